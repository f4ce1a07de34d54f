"""Connected components of an undirected graph in Beam, by rounds of shuffles, not a union-find.

The alternating Large-Star / Small-Star algorithm (Kiveris, Lattanzi, Mirrokni, Rastogi,
Vassilvitskii, "Connected Components in MapReduce and Beyond", SoCC 2014). Node ids are
ordered as strings (by code point), and every edge is kept as (larger, smaller). A round:

    large-star: node u links each neighbour above it to m = min(u, all neighbours of u)
    small-star: node u links each neighbour below it, and itself, to m = min(neighbours below u)

Neither step splits a component, loses a node or adds edges (so a round shuffles at most
three times the deduplicated input: each edge twice into large-star, once into small-star),
and a graph whose components are stars around their smallest node is left as it is. Beam
has no loops, so `max_rounds` rounds are unrolled in the pipeline graph; then every node
checks that it has settled: no neighbour below it (a centre), or exactly one neighbour below
it and none above (a leaf). If all have, every edge joins a leaf to its centre, each
component is a star around its smallest node, and that node is the component id. If any
node has not, the job fails with an error naming `max_rounds` before a single label is
emitted (the labels wait on the check as a side input). It fails rather than carrying on
because a pipeline graph cannot grow more rounds while it runs, and finishing the unsettled
rest on one worker is what this is here to avoid.

Rounds. Measured with a simulation of these steps: a path is the slowest shape; a path of
n nodes needs ceil(log2 n) rounds (2,000 nodes: 11; 100,000: 17; 1,000,000: 20) with ids
in path order, slightly fewer with random ids. Trees, grids and random graphs need fewer
(100,000 nodes with 50,000 to 500,000 random edges: 7 to 4), a clique or a star one. A
search over random and hill-climbed trees of up to 256 nodes found nothing slower than the
path. The proven bound is O(log^2 n), too loose to size by. The default, 24 rounds, covers
a path of 16 million nodes; a near-duplicate chain that long is implausible, while every
unneeded round still shuffles about one edge per node three times. (On one FnApiRunner
worker, a random graph of 100,000 edges, which needs 5 rounds, takes 17 s with 5 and 45 s
with 24.)

Memory and hot keys. Each step groups by node: large-star a node with all its neighbours,
small-star with those below it. The group is iterated twice (find the minimum, then link
each neighbour to it) and never collected, so a worker holds one value at a time beyond
whatever the runner buffers of a group. Dataflow hands a large group over in pages
(state-backed iterables) and re-reads them for the second pass; the FnApiRunner does so only
when built with `use_state_iterables=True` (and is then about half as fast), and the
Flink runner holds a key's values in memory (apache/beam#18848). A node with a million
neighbours is still one key, so one worker spends a round's time on it; after convergence
that is every component's smallest node, whose group is the whole component. The input is
deduplicated with a combiner keyed by the edge, and the final check is a combiner per node
(two smallest neighbours and the largest), so neither gathers a node's neighbours either.
Every shuffle key is a node id (str) or an edge (tuple of two str), both with deterministic
coders.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import apache_beam as beam

Edge = tuple[str, str]
# A node's two smallest distinct neighbours and its largest one (None where there are fewer).
Extremes = tuple[str | None, str | None, str | None]

DEFAULT_MAX_ROUNDS = 24
UNSETTLED_EXAMPLES = 3


class ComponentsNotConverged(RuntimeError):
    """`max_rounds` rounds left some node unsettled."""


def _larger_first(edge: Edge) -> Iterator[Edge]:
    u, v = edge
    if u != v:
        yield (u, v) if u > v else (v, u)


def _is_self_loop(edge: Edge) -> bool:
    return edge[0] == edge[1]


def _both_ways(edge: Edge) -> Iterator[Edge]:
    yield edge
    yield edge[1], edge[0]


def _link_larger_neighbours_to_min(group: tuple[str, Iterable[str]]) -> Iterator[Edge]:
    node, neighbours = group
    smallest = min(node, min(neighbours))
    for neighbour in neighbours:
        if neighbour > node:
            yield neighbour, smallest


def _link_smaller_neighbours_to_min(group: tuple[str, Iterable[str]]) -> Iterator[Edge]:
    node, below = group
    smallest = min(below)
    for neighbour in below:
        if neighbour != smallest:
            yield neighbour, smallest
    yield node, smallest


class _CanonicalEdges(beam.PTransform):
    """Distinct (larger, smaller) edges, self-loops dropped."""

    def expand(self, edges: beam.PCollection) -> beam.PCollection:
        return (
            edges
            | "LargerFirst" >> beam.FlatMap(_larger_first).with_output_types(Edge)
            | "Distinct" >> beam.Distinct()
        )


class _LargeStar(beam.PTransform):
    def expand(self, edges: beam.PCollection) -> beam.PCollection:
        return (
            edges
            | "BothWays" >> beam.FlatMap(_both_ways).with_output_types(Edge)
            | "ByNode" >> beam.GroupByKey()
            | "Link" >> beam.FlatMap(_link_larger_neighbours_to_min).with_output_types(Edge)
        )


class _SmallStar(beam.PTransform):
    def expand(self, edges: beam.PCollection) -> beam.PCollection:
        return (
            edges
            | "ByLargerNode" >> beam.GroupByKey()
            | "Link" >> beam.FlatMap(_link_smaller_neighbours_to_min).with_output_types(Edge)
        )


class _Round(beam.PTransform):
    def expand(self, edges: beam.PCollection) -> beam.PCollection:
        return edges | "LargeStar" >> _LargeStar() | "SmallStar" >> _SmallStar()


class _NeighbourExtremes(beam.CombineFn):
    """A node's two smallest distinct neighbours and its largest one."""

    def create_accumulator(self) -> Extremes:
        return None, None, None

    def add_input(self, extremes: Extremes, neighbour: str) -> Extremes:
        lowest, second, highest = extremes
        if lowest is None or neighbour < lowest:
            lowest, second = neighbour, lowest
        elif neighbour != lowest and (second is None or neighbour < second):
            second = neighbour
        if highest is None or neighbour > highest:
            highest = neighbour
        return lowest, second, highest

    def merge_accumulators(self, accumulators: Iterable[Extremes]) -> Extremes:
        # Any neighbour can be added again harmlessly, so merging is adding the other side's.
        merged = self.create_accumulator()
        for extremes in accumulators:
            for neighbour in extremes:
                if neighbour is not None:
                    merged = self.add_input(merged, neighbour)
        return merged

    def extract_output(self, extremes: Extremes) -> Extremes:
        return extremes


def _is_unsettled(node: str, extremes: Extremes) -> bool:
    lowest, second, highest = extremes
    below = sum(1 for x in (lowest, second) if x is not None and x < node)
    return below == 2 or (below == 1 and highest > node)


def _label(
    node_extremes: tuple[str, Extremes], unsettled: list[str], max_rounds: int
) -> tuple[str, str]:
    if unsettled:
        raise ComponentsNotConverged(
            f"connected components did not converge in max_rounds={max_rounds}: nodes such as "
            f"{unsettled} still have neighbours both below and above them, or two below; run "
            "again with a larger max_rounds (a path of n nodes needs ceil(log2 n) rounds)"
        )
    node, (lowest, _, _) = node_extremes
    return node, min(node, lowest)


class _SettledLabels(beam.PTransform):
    """(node, neighbour) pairs of the final graph -> (node, smallest node of its star).

    Fails the job, emitting nothing, if any node has not settled into a star."""

    def __init__(self, max_rounds: int) -> None:
        super().__init__()
        self.max_rounds = max_rounds

    def expand(self, neighbours: beam.PCollection) -> beam.PCollection:
        extremes = neighbours | "Extremes" >> beam.CombinePerKey(_NeighbourExtremes())
        unsettled = (
            extremes
            | "Unsettled" >> beam.Filter(lambda pair: _is_unsettled(*pair))
            | "Nodes" >> beam.Keys()
            | "Examples" >> beam.combiners.Top.Smallest(UNSETTLED_EXAMPLES)
        )
        return extremes | "Label" >> beam.Map(
            _label, beam.pvalue.AsSingleton(unsettled), self.max_rounds
        ).with_output_types(tuple[str, str])


class ConnectedComponents(beam.PTransform):
    """PCollection[tuple[str, str]] undirected edges -> PCollection[tuple[str, str]]
    (node, component id), one element per node that appears in any edge; the component
    id is the smallest node id of the component (so the result is deterministic).

    Self-loops and repeated edges are allowed. Raises `ComponentsNotConverged` (inside the
    job) if `max_rounds` rounds were not enough; see the module docstring."""

    def __init__(self, max_rounds: int = DEFAULT_MAX_ROUNDS) -> None:
        super().__init__()
        if max_rounds < 1:
            raise ValueError(f"max_rounds must be at least 1, got {max_rounds}")
        self.max_rounds = max_rounds

    def expand(self, edges: beam.PCollection) -> beam.PCollection:
        graph = edges | "Canonical" >> _CanonicalEdges()
        for index in range(1, self.max_rounds + 1):
            graph = graph | f"Round{index:02d}" >> _Round()
        stars = graph | "BothWays" >> beam.FlatMap(_both_ways).with_output_types(Edge)
        # The rounds drop self-loops; a node that has nothing else is a component of its own.
        self_loops = edges | "SelfLoops" >> beam.Filter(_is_self_loop).with_output_types(Edge)
        return (
            (stars, self_loops)
            | "Neighbours" >> beam.Flatten()
            | "Labels" >> _SettledLabels(self.max_rounds)
        )
