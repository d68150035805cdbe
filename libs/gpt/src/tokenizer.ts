// Byte-level tokenizer: a token is one UTF-8 byte, so loss per token converts exactly to bits per byte.

export interface TokenizerSpec {
  kind: 'byte';
  /** 256 plus the number of special tokens. */
  vocab_size: number;
  /** Special tokens get ids 256, 257, ... in this order. */
  specials: string[];
}

export class ByteTokenizer {
  readonly vocabSize: number;
  private readonly specialIds = new Map<string, number>();
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  constructor(readonly specials: string[] = []) {
    specials.forEach((s, i) => this.specialIds.set(s, 256 + i));
    this.vocabSize = 256 + specials.length;
  }

  static fromSpec(spec: TokenizerSpec): ByteTokenizer {
    if (spec.kind !== 'byte') throw new Error(`unsupported tokenizer kind ${String(spec.kind)}`);
    const tok = new ByteTokenizer(spec.specials);
    if (tok.vocabSize !== spec.vocab_size) throw new Error(`tokenizer spec vocab_size ${spec.vocab_size} ≠ 256 + specials`);
    return tok;
  }

  spec(): TokenizerSpec {
    return { kind: 'byte', vocab_size: this.vocabSize, specials: [...this.specials] };
  }

  /** UTF-8 bytes of the text (special tokens are not parsed out of text; use specialId). */
  encode(text: string): Uint8Array {
    return this.encoder.encode(text);
  }

  specialId(token: string): number {
    const id = this.specialIds.get(token);
    if (id === undefined) throw new Error(`unknown special token ${token}`);
    return id;
  }

  /** Decodes byte ids; special ids are rendered as their names, invalid UTF-8 as U+FFFD. */
  decode(ids: ArrayLike<number>): string {
    let out = '';
    let bytes: number[] = [];
    const flush = (): void => {
      if (bytes.length > 0) out += this.decoder.decode(Uint8Array.from(bytes));
      bytes = [];
    };
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id < 256) bytes.push(id);
      else {
        flush();
        out += this.specials[id - 256] ?? '';
      }
    }
    flush();
    return out;
  }
}

/** Bits per byte from a mean loss in nats per token, for a byte-level tokenizer (1 token = 1 byte). */
export function natsToBpb(lossNats: number, tokensPerByte = 1): number {
  return (lossNats * tokensPerByte) / Math.LN2;
}
