"""Experiments from TOML files: typed configuration and the runner behind ``graphgen run``."""

from graphgen.experiment.config import ExperimentConfig, load_experiment
from graphgen.experiment.runner import ExperimentResult, format_summary, run_experiment

__all__ = ["ExperimentConfig", "ExperimentResult", "format_summary", "load_experiment",
           "run_experiment"]
