"""Metadata lives in setup.cfg; this file only declares the compiled detection core."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("detection._partial", ["detection/_partial.c"], extra_compile_args=["-O3"])])
