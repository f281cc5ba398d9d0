"""The repositories the use cases need, one module per area: typed Protocols the stores implement."""
