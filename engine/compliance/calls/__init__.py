"""Dialect rules on call activities (SX-D170…SX-D175): what Sanxiang runs of Camunda 7's call activity and
what it refuses by name."""
