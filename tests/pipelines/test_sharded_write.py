import json

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.runners.portability.fn_api_runner import FnApiRunner

from corpus.io.shards import JsonLinesFormat, ParquetFormat, shard_name, stable_shard
from corpus.pipelines.sharded_write import WriteShards

SCHEMA = pa.schema([("key", pa.string()), ("value", pa.int64())])


def write(records, directory, per_shard, fmt):
    with beam.Pipeline(runner=FnApiRunner()) as pipeline:
        _ = (
            pipeline
            | beam.Create(records)
            | WriteShards(str(directory), "part", fmt, lambda r: r["key"], per_shard)
        )


def test_stable_shard_is_a_fixed_function_of_the_key():
    # Pinned values: a shard must not move between processes or releases (hash() is salted).
    assert [stable_shard(k, 7) for k in ("a", "b", "文書")] == [4, 0, 1]
    assert stable_shard("urn:uuid:1", 1_000_003) == 461090
    assert shard_name("documents", 3, 12, "parquet") == "documents-00003-of-00012.parquet"


def test_parquet_shards_are_sorted_complete_and_reproducible(tmp_path):
    records = [{"key": f"k{i:03d}", "value": i} for i in reversed(range(100))]
    fmt = ParquetFormat(SCHEMA, dict)
    write(records, tmp_path / "a", 30, fmt)
    write(list(reversed(records)), tmp_path / "b", 30, fmt)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert all(n.endswith("-of-00004.parquet") for n in names)
    rows = []
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
        shard = pq.read_table(tmp_path / "a" / name).to_pylist()
        assert shard == sorted(shard, key=lambda r: r["key"])
        rows += shard
    assert sorted(rows, key=lambda r: r["value"]) == sorted(records, key=lambda r: r["value"])


def test_jsonl_shards_and_no_leftover_temporary_files(tmp_path):
    records = [{"key": "b", "value": 2}, {"key": "a", "value": "日本"}]
    write(records, tmp_path, 10, JsonLinesFormat())
    (path,) = tmp_path.iterdir()
    assert path.name == "part-00000-of-00001.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [records[1], records[0]]
    assert lines[0] == '{"key": "a", "value": "日本"}'


def test_partitions_get_their_own_directories_and_shard_counts(tmp_path):
    records = [{"key": f"k{i:02d}", "value": i} for i in range(25)]
    with beam.Pipeline(runner=FnApiRunner()) as pipeline:
        _ = (
            pipeline
            | beam.Create(records)
            | WriteShards(
                str(tmp_path),
                "part",
                ParquetFormat(SCHEMA, dict),
                lambda r: r["key"],
                10,
                partition_of=lambda r: f"parity={r['value'] % 2}",
            )
        )
    even = sorted(p.name for p in (tmp_path / "parity=0").iterdir())
    odd = sorted(p.name for p in (tmp_path / "parity=1").iterdir())
    assert even == [f"part-0000{i}-of-00002.parquet" for i in range(2)]  # 13 records
    assert odd == [f"part-0000{i}-of-00002.parquet" for i in range(2)]  # 12 records
    table = pq.ParquetDataset(tmp_path).read()
    assert sorted(table.column("value").to_pylist()) == list(range(25))
    values, parities = table.column("value").to_pylist(), table.column("parity").to_pylist()
    parity = dict(zip(values, parities, strict=True))
    assert all(parity[value] == value % 2 for value in range(25))  # Hive partitions read back
