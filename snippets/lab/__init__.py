"""The lab: small benchmarks that measure what async changes (memory, switching, latency under load,
fan-out, CPU-bound work). Each module has a `run(full=False)` that returns a JSON-able dict and a
`plot(result)` that returns a matplotlib figure; the notebooks in docs/lab/ call them at small size and
`python -m snippets.lab NAME [--full] [--out DIR]` runs them from the command line.
"""
