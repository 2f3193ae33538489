"""A small ctypes binding to the libespeak-ng that the espeakng-loader wheel ships: offline speech,
no system packages."""

from __future__ import annotations

import ctypes
import threading

import espeakng_loader
import numpy as np

AUDIO_OUTPUT_SYNCHRONOUS = 2
POS_CHARACTER = 1
ESPEAK_CHARS_UTF8 = 1
ESPEAK_RATE = 1
EE_OK = 0

_SYNTH_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


class EspeakUnavailable(RuntimeError):
    pass


class Espeak:
    """The process-wide espeak-ng: it keeps global state, so every call goes through one lock."""

    _instance: Espeak | None = None
    _instance_lock = threading.Lock()

    def __init__(self) -> None:
        try:
            self._lib = ctypes.CDLL(espeakng_loader.get_library_path())
            data_path = espeakng_loader.get_data_path()
        except (OSError, RuntimeError) as exc:
            raise EspeakUnavailable(f"cannot load the offline voice: {exc}") from exc
        self._lib.espeak_Initialize.restype = ctypes.c_int
        self._lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        self._lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self._lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        self._lib.espeak_Synth.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                           ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        self.sample_rate = self._lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path.encode(), 0)
        if self.sample_rate <= 0:
            raise EspeakUnavailable(f"espeak-ng failed to start with data at {data_path}")
        self._chunks: list[np.ndarray] = []
        # Keep a reference: ctypes frees a callback that nobody holds, and espeak would call freed memory.
        self._callback = _SYNTH_CALLBACK(self._collect)
        self._lib.espeak_SetSynthCallback(self._callback)
        self._lock = threading.Lock()

    @classmethod
    def get(cls) -> Espeak:
        with cls._instance_lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def _collect(self, wav, count, _events) -> int:
        if wav and count > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        return 0

    def synthesize(self, text: str, voice: str = "en-us", words_per_minute: int = 150) -> np.ndarray:
        """Mono int16 samples at `sample_rate`."""
        data = text.encode("utf-8") + b"\0"
        with self._lock:
            if self._lib.espeak_SetVoiceByName(voice.encode()) != EE_OK:
                raise EspeakUnavailable(f"the offline voice has no '{voice}' voice")
            self._lib.espeak_SetParameter(ESPEAK_RATE, words_per_minute, 0)
            self._chunks = []
            status = self._lib.espeak_Synth(data, len(data), 0, POS_CHARACTER, 0, ESPEAK_CHARS_UTF8, None, None)
            if status != EE_OK:
                raise EspeakUnavailable(f"espeak-ng could not speak the text (status {status})")
            samples = np.concatenate(self._chunks) if self._chunks else np.zeros(0, dtype=np.int16)
            self._chunks = []
        return samples
