@_exported import PolyglotLab
