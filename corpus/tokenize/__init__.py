"""Tokenization: documents -> SentencePiece token ids -> Megatron and Parquet training shards.

Plain Python, no Beam: `tokenizer.py` (the model and its BOS/EOS framing), `training.py`
(training a model on sample text), `megatron.py` (the indexed dataset format, written and
read), `token_shards.py` (one shard in every format), `files.py` (atomic, hashed output
files), `manifest.py` (what an output holds). The Beam stage is corpus/pipelines/tokenize.py.
"""
