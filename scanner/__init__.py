"""The scanner: frame sources, decoders, payload interpretation, the station
pipeline, stickers and receipts. Nothing here opens a camera or a file on import."""
