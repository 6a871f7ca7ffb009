"""birnn-lint: finds misread PyTorch RNN/GRU/LSTM layouts without running the code."""

__version__ = "0.2.2"
