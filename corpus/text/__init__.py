"""Text utilities shared by stages: word segmentation."""
