"""Quality classification: labelled data, cross-validated evaluation, the teacher model."""
