# Rules shared by every arch: how a blob is compiled, linked and flattened.
