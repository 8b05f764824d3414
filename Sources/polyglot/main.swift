import PolyglotLang
print("polyglot")
