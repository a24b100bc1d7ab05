"""Metadata lives in setup.cfg; this file only declares the compiled detection cores."""

from glob import glob

from setuptools import Extension, setup

setup(ext_modules=[
    Extension("detection._partial", ["detection/_partial.c"], include_dirs=["detection/csrc"],
              depends=glob("detection/csrc/*.h"), extra_compile_args=["-O3", "-fno-strict-aliasing"]),
    Extension("detection._forms", ["detection/_forms.c"], extra_compile_args=["-O3"]),
])
