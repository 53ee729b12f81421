"""What the learning path's server tests share: uvicorn serving the demo project."""

UVICORN = ["snippets.demo.asgi:application", "--port", "{port}", "--log-level", "warning"]
