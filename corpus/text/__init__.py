"""Text utilities shared by stages: word segmentation, code points for n-gram hashing."""
