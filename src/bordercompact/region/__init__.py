"""The region: its manifest, parties, dataset kinds, and the problems found in its inputs."""
