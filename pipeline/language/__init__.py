"""Language layer: tokenizer, sentence boundaries, lemmas and named entities."""
