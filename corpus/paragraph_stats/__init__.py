"""Paragraph statistics (Uzushio): how often each paragraph, and its group of
near-duplicates, occurs in a corpus: the SimHash of a paragraph and the rules that find
its near-duplicates. The Beam stage is corpus/pipelines/paragraph_stats.py."""
