"""Tests of this tier; a package so that every module is imported once, under one name."""
