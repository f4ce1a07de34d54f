import hashlib
import itertools
import random

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.portability import common_urns
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from apache_beam.testing.util import assert_that, equal_to

from corpus.pipelines.connected_components import ConnectedComponents

pytestmark = pytest.mark.slow


def union_find(edges):
    """(node, smallest node of its component), sorted: the single-machine reference."""
    parent = {}

    def root(node):
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for u, v in edges:
        a, b = root(u), root(v)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return sorted((node, root(node)) for node in list(parent))


def assert_components(edges, max_rounds, runner=None, options=None):
    with beam.Pipeline(runner=runner or FnApiRunner(), options=options) as pipeline:
        labels = pipeline | beam.Create(edges) | ConnectedComponents(max_rounds=max_rounds)
        assert_that(labels, equal_to(union_find(edges)))


def shuffled(edges, seed):
    """The edges in random order, each pointing a random way."""
    rng = random.Random(seed)
    edges = [(u, v) if rng.random() < 0.5 else (v, u) for u, v in edges]
    rng.shuffle(edges)
    return edges


# Ids in path order: the slowest shape found (a path of n nodes needs ceil(log2 n) rounds).
PATH = shuffled([(f"n{i:04d}", f"n{i + 1:04d}") for i in range(1999)], seed=1)


def test_a_path_of_2000_nodes_converges_in_exactly_11_rounds():
    assert_components(PATH, max_rounds=11)


def test_too_few_rounds_fail_the_job_naming_max_rounds():
    with pytest.raises(Exception, match=r"did not converge in max_rounds=10: nodes such as"):
        assert_components(PATH, max_rounds=10)


def test_max_rounds_must_be_positive():
    with pytest.raises(ValueError, match="max_rounds"):
        ConnectedComponents(max_rounds=0)


def clique(nodes):
    return [(a, b) for i, a in enumerate(nodes) for b in nodes[i + 1 :]]


LEAVES = [f"leaf{i:03d}" for i in range(300)]
HEX = [hashlib.sha1(str(i).encode()).hexdigest() for i in range(40)]
CASES = {
    # the centre is the smallest id, then the largest
    "star": [("a-centre", leaf) for leaf in LEAVES],
    "star_around_largest": [("z-centre", leaf) for leaf in LEAVES],
    "complete": shuffled(clique([f"k{i:02d}" for i in range(30)]), seed=2) + [("k07", "k03")] * 5,
    # paragraph groups from three dumps merge transitively; (G, H) stays apart
    "overlapping_groups": clique("ABC") + clique("BCD") + clique("DEF") + [("G", "H")],
    "arbitrary_strings": [
        ("吾輩は猫である。", "名前はまだ無い。"),
        ("名前はまだ無い。", HEX[0]),
        ("", "どこで生れたかとんと見当がつかぬ。"),  # the empty id is the smallest of all
        ("どこで生れたかとんと見当がつかぬ。", "𠮷野家"),
        *itertools.pairwise(HEX[1:21]),
        *zip(HEX[20:], ["ｶﾀｶﾅ", "ﾃｽﾄ"] * 10, strict=True),
    ],
    # repeated edges both ways, a self-loop on a linked node, a node with only a self-loop
    "self_loops_and_repeats": [("x", "y"), ("y", "x"), ("x", "y"), ("y", "y"), ("lonely",) * 2],
}


@pytest.mark.parametrize("case", CASES)
def test_shapes_match_union_find(case):
    assert_components(CASES[case], max_rounds=4)


def test_overlapping_groups_are_one_component_named_by_its_smallest_id():
    assert union_find(CASES["overlapping_groups"]) == [
        *((node, "A") for node in "ABCDEF"),
        ("G", "G"),
        ("H", "G"),
    ]


def random_graphs(count, seed):
    """Many small random graphs of varied size and density, side by side in one edge list."""
    rng = random.Random(seed)
    edges = []
    for graph in range(count):
        nodes = [f"g{graph}-{rng.getrandbits(32):08x}" for _ in range(rng.randint(2, 60))]
        for _ in range(rng.randint(1, 2 * len(nodes))):
            edges.append((rng.choice(nodes), rng.choice(nodes)))
    return edges


@pytest.mark.parametrize("workers", [1, 2])
def test_many_random_graphs_give_the_same_components_with_1_and_2_workers(workers):
    options = PipelineOptions(
        ["--direct_running_mode=multi_processing", f"--direct_num_workers={workers}"]
    )
    assert_components(random_graphs(60, seed=3), max_rounds=8, options=options)


def test_groups_paged_from_state_are_read_twice_correctly():
    # Groups arrive as state-backed iterables here, as Dataflow pages large ones.
    hub = [("hub", f"spoke{i:04d}") for i in range(1000)]
    edges = shuffled([*hub, *PATH[:200], ("spoke0000", PATH[0][0])], seed=4)
    assert_components(edges, max_rounds=6, runner=FnApiRunner(use_state_iterables=True))


def test_every_shuffle_key_is_a_string_or_a_pair_of_strings(unrun_pipeline):
    pipeline = unrun_pipeline
    _ = pipeline | beam.Create([("a", "b")]) | ConnectedComponents(max_rounds=1)
    components = pipeline.to_runner_api().components

    def coder(coder_id):
        spec = components.coders[coder_id]
        parts = ",".join(coder(c) for c in spec.component_coder_ids)
        return spec.spec.urn + (f"({parts})" if parts else "")

    string = common_urns.coders.STRING_UTF8.urn
    pair = f"{common_urns.coders.KV.urn}({string},{string})"
    keys = {}
    for transform in components.transforms.values():
        if transform.spec.urn == common_urns.primitives.GROUP_BY_KEY.urn:
            (pcollection,) = transform.inputs.values()
            kv = components.coders[components.pcollections[pcollection].coder_id]
            keys[transform.unique_name] = coder(kv.component_coder_ids[0])
    # Beam's own global combine (the unsettled examples) groups under the constant None.
    assert {name: key for name, key in keys.items() if "/Examples/" not in name} == {
        "ConnectedComponents/Canonical/Distinct/Group/GroupByKey": pair,
        "ConnectedComponents/Round01/LargeStar/ByNode": string,
        "ConnectedComponents/Round01/SmallStar/ByLargerNode": string,
        "ConnectedComponents/Labels/Extremes/GroupByKey": string,
    }
