"""bordercompact: negotiate and run joint climate-resilience initiatives across a border."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bordercompact")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
