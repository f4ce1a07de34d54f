"""Token blends: each source's target share of the training tokens, the deterministic
selection of documents (subsampled or repeated) that meets it, the held-out validation
and test splits, and the Megatron arguments and report that describe the result."""
