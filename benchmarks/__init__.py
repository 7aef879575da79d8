"""Benchmarks run on demand (`python -m benchmarks.<name>`), never as timed tests.

The machine they were written for has two cores shared with other work, so each
benchmark measures the things it compares side by side in one run (interleaved
where it can) and reports ratios; absolute times are only indicative.
"""
import os

for _key, _value in {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
                     "GRADIO_ANALYTICS_ENABLED": "False", "TOKENIZERS_PARALLELISM": "false"}.items():
    os.environ.setdefault(_key, _value)  # before transformers, chromadb or gradio read them at import
