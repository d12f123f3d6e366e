"""Which answer a question asks for, learnt from the trainers' example questions.

Sibling answers (the conditions of unemployment benefit beside its duration, the transfer
overview beside the cross-province pension transfer) share most of their words, and their
nearest-example cosines lie within a hundredth of each other: the nearest example is
often a sibling's. A linear model trained on every example of every answer at once learns
what tells siblings apart (条件 against 多久, 两头跑 against 转回) from the trainers' own
examples, with no eval question in sight. The wording matcher trains one over the approved
entries' `questions`, the section picker one over the knowledge sections'
`section_questions`.

Features: the e5 query vector (already computed for the search) and the TF-IDF of the
question's characters and character pairs, hashed into `buckets` columns and L2-normalised
(speech-to-text typos and dialect keep most of their characters); the character part is
kept sparse, so the 1,380 questions of 172 sections train in 7 s here (the 700 of 45
entries in 2.4 s), once per release: the catalog keeps the model. Softmax
regression by full-batch gradient descent from zero weights: the same examples give the
same model, bit for bit, on the same machine and numpy (BLAS kernels differ by CPU).
"""

from __future__ import annotations

import hashlib
import io
import json
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from ingest.model import sha256_hex
from kb_assistant.store.catalog import Catalog

__all__ = ["MODEL_FORMAT", "QuestionClassifier", "QuestionClassifierConfig"]

MODEL_FORMAT = "question-classifier/1"  # of the saved model; a new format retrains


@dataclass(frozen=True)
class QuestionClassifierConfig:
    """Defaults fit every training example (the trainers' questions are the classes'
    definitions) in 300 steps: 1.000 on the 45 entries' 700 examples."""

    buckets: int = 4096  # hashed character (pair) columns
    embedding_weight: float = 2.0  # of the e5 vector beside the unit-length character features
    iterations: int = 300
    learning_rate: float = 8.0
    l2: float = 1e-4
    momentum: float = 0.0  # heavy-ball momentum (0.8 fits in 100 steps about as well as 300 without)

    def __post_init__(self) -> None:
        if not 0.0 <= self.momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {self.momentum}")
        if self.buckets < 16:
            raise ValueError(f"buckets must be >= 16, got {self.buckets}")
        if self.iterations < 1 or self.learning_rate <= 0 or self.l2 < 0 or self.embedding_weight < 0:
            raise ValueError("iterations must be >= 1, learning_rate > 0, l2 and embedding_weight >= 0")


class _Grams:
    """Rows of hashed character features in CSR form: row r is cols/vals[starts[r]:starts[r+1]].
    Products are summed with `reduceat` over runs (by row, and by column in a sorted copy):
    `np.add.at` is four times slower here."""

    def __init__(self, starts: np.ndarray, cols: np.ndarray, vals: np.ndarray) -> None:
        self.starts, self.cols, self.vals = starts, cols, vals
        self.rows = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
        self.filled = np.flatnonzero(np.diff(starts) > 0)  # rows with at least one column
        self.by_col = np.argsort(cols, kind="stable")
        sorted_cols = cols[self.by_col]
        changes = np.r_[True, sorted_cols[1:] != sorted_cols[:-1]] if cols.size else np.zeros(0, bool)
        self.col_starts = np.flatnonzero(changes)  # where each column's run begins
        self.used = sorted_cols[self.col_starts]

    def times(self, weights: np.ndarray) -> np.ndarray:
        """(rows × buckets) @ weights."""
        out = np.zeros((len(self.starts) - 1, weights.shape[1]), dtype=np.float32)
        if self.cols.size:
            products = self.vals[:, None] * weights[self.cols]
            out[self.filled] = np.add.reduceat(products, self.starts[self.filled], axis=0)
        return out

    def transposed_times(self, gradient: np.ndarray, buckets: int) -> np.ndarray:
        """(rows × buckets).T @ gradient."""
        out = np.zeros((buckets, gradient.shape[1]), dtype=np.float32)
        if self.cols.size:
            order = self.by_col
            products = self.vals[order, None] * gradient[self.rows[order]]
            out[self.used] = np.add.reduceat(products, self.col_starts, axis=0)
        return out


class QuestionClassifier:
    """p(class | question) over `classes` (wording ids, section keys)."""

    def __init__(
        self,
        classes: list[str],
        dense: np.ndarray,
        sparse: np.ndarray,
        bias: np.ndarray,
        idf: np.ndarray,
        config: QuestionClassifierConfig,
    ) -> None:
        self.classes = classes
        self.dense = dense  # e5 dimensions × classes
        self.sparse = sparse  # buckets × classes
        self.bias = bias
        self.idf = idf
        self.config = config

    @classmethod
    def train(
        cls,
        questions: Sequence[str],
        vectors: np.ndarray,
        labels: Sequence[str],
        config: QuestionClassifierConfig | None = None,
    ) -> QuestionClassifier:
        """`vectors`: the questions' e5 query vectors, one row each; `labels`: their classes."""
        config = config or QuestionClassifierConfig()
        classes = sorted(set(labels))
        if not classes:
            empty = np.zeros((0, 0), dtype=np.float32)
            return cls([], empty, empty, np.zeros(0, np.float32), np.zeros(0, np.float32), config)
        index = {c: k for k, c in enumerate(classes)}
        targets = np.eye(len(classes), dtype=np.float32)[[index[label] for label in labels]]
        counts = [_counts(q, config.buckets) for q in questions]
        seen = np.zeros(config.buckets, dtype=np.float32)
        for cols, _ in counts:
            seen[cols] += 1.0
        idf = (np.log((len(questions) + 1) / (seen + 1)) + 1.0).astype(np.float32)
        grams = _grams(counts, idf)
        x = np.float32(config.embedding_weight) * vectors.astype(np.float32)
        dense = np.zeros((x.shape[1], len(classes)), dtype=np.float32)
        sparse = np.zeros((config.buckets, len(classes)), dtype=np.float32)
        bias = np.zeros(len(classes), dtype=np.float32)
        rate, n, l2 = np.float32(config.learning_rate), np.float32(len(questions)), np.float32(config.l2)
        mu = np.float32(config.momentum)
        steps = [np.zeros_like(dense), np.zeros_like(sparse), np.zeros_like(bias)]
        for _ in range(config.iterations):
            gradient = _softmax(x @ dense + grams.times(sparse) + bias) - targets
            grads = (
                x.T @ gradient / n + l2 * dense,
                grams.transposed_times(gradient, config.buckets) / n + l2 * sparse,
                gradient.mean(axis=0),
            )
            for param, step, grad in zip((dense, sparse, bias), steps, grads, strict=True):
                step *= mu
                step -= rate * grad
                param += step
        return cls(classes, dense, sparse, bias, idf, config)

    @classmethod
    def trained(
        cls,
        catalog: Catalog,
        questions: Sequence[str],
        vectors: np.ndarray,
        labels: Sequence[str],
        config: QuestionClassifierConfig | None = None,
    ) -> QuestionClassifier:
        """The model for these examples from the catalog, trained and stored on first use:
        training takes seconds (a `kb ask` from the shell would pay it every time)."""
        config = config or QuestionClassifierConfig()
        key = sha256_hex(
            "\x1f".join(
                [
                    MODEL_FORMAT,
                    json.dumps(asdict(config), sort_keys=True),
                    json.dumps(list(labels), ensure_ascii=False),
                    json.dumps(list(questions), ensure_ascii=False),
                    hashlib.sha256(np.ascontiguousarray(vectors, dtype=np.float32).tobytes()).hexdigest(),
                ]
            )
        )
        stored = catalog.trained_model(key)
        if stored is not None:
            return cls.from_bytes(stored)
        model = cls.train(questions, vectors, labels, config)
        catalog.add_trained_model(key, model.to_bytes())
        return model

    def to_bytes(self) -> bytes:
        """An .npz that describes itself (format, config, classes); no pickles."""
        meta = {"format": MODEL_FORMAT, "config": asdict(self.config), "classes": self.classes}
        buffer = io.BytesIO()
        np.savez(
            buffer,
            meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
            dense=self.dense,
            sparse=self.sparse,
            bias=self.bias,
            idf=self.idf,
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> QuestionClassifier:
        with np.load(io.BytesIO(data), allow_pickle=False) as saved:
            meta = json.loads(saved["meta"].tobytes().decode("utf-8"))
            if meta.get("format") != MODEL_FORMAT:
                raise ValueError(
                    f"unknown classifier format {meta.get('format')!r} (expected {MODEL_FORMAT})"
                )
            config = QuestionClassifierConfig(**meta["config"])
            return cls(
                list(meta["classes"]), saved["dense"], saved["sparse"], saved["bias"], saved["idf"], config
            )

    def probabilities(self, question: str, vector: np.ndarray) -> dict[str, float]:
        return {c: float(v) for c, v in zip(self.classes, self.distribution(question, vector), strict=True)}

    def distribution(self, question: str, vector: np.ndarray) -> np.ndarray:
        """The probabilities in the order of `classes`."""
        if not self.classes:
            return np.zeros(0, dtype=np.float32)
        grams = _grams([_counts(question, self.config.buckets)], self.idf)
        x = np.float32(self.config.embedding_weight) * vector.reshape(1, -1).astype(np.float32)
        return _softmax(x @ self.dense + grams.times(self.sparse) + self.bias)[0]


def _counts(text: str, buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """The hashed columns of a text's characters and character pairs, and their counts."""
    chars = "".join(ch for ch in text.lower() if not ch.isspace())
    grams = [*chars, *(chars[i : i + 2] for i in range(len(chars) - 1))]
    hashed = np.array([zlib.crc32(g.encode("utf-8")) % buckets for g in grams], dtype=np.int64)
    cols, counts = np.unique(hashed, return_counts=True)
    return cols, counts.astype(np.float32)


def _grams(counts: list[tuple[np.ndarray, np.ndarray]], idf: np.ndarray) -> _Grams:
    """TF-IDF rows, each L2-normalised."""
    starts = np.zeros(len(counts) + 1, dtype=np.int64)
    cols, vals = [], []
    for k, (c, n) in enumerate(counts):
        v = (1.0 + np.log(n)) * idf[c]
        v /= np.linalg.norm(v) + np.float32(1e-9)
        cols.append(c)
        vals.append(v.astype(np.float32))
        starts[k + 1] = starts[k] + len(c)
    if not cols:
        return _Grams(starts, np.zeros(0, np.int64), np.zeros(0, np.float32))
    return _Grams(starts, np.concatenate(cols), np.concatenate(vals))


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
