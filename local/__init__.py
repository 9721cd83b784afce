"""The whole system on a laptop: moto's server in-process, the real handlers, events flowing."""
