"""A stand-in for torchvision, whose PyPI build is CUDA-linked: zennit imports it only for ResNet block types."""
from . import models  # noqa: F401
