"""Streaming batch: records in, one result per record out, in order; -o written atomically."""
