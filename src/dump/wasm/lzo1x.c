/*
 * LZO1X decompressor for wasm32: a line-for-line port of lzo1xDecompressInto (src/dump/lzo1x.ts),
 * the "safe" kind, with every check of it. It answers only with the length decoded, or -1 for a
 * stream the JavaScript decoder would refuse: that one then decodes the page again and says
 * what is wrong with it, so a damaged page gives the same message as before.
 * Compiled code from the first page on: the JavaScript decoder runs its first hundred pages
 * (bullseye's opening) in V8's interpreter, ~300 µs a page.
 */
typedef unsigned char u8;
typedef unsigned long size_t;

static int ext_end;

/* "length = 255 * (number of zero bytes) + first non-zero byte"; -1: input overrun. */
static int extended_length(const u8 *src, int ip, int in_len)
{
	int n = 0;
	for (;;) {
		if (ip >= in_len)
			return -1;
		u8 b = src[ip++];
		if (b != 0) {
			ext_end = ip;
			return n + b;
		}
		n += 255;
	}
}

__attribute__((export_name("lzo1x_decompress")))
int lzo1x_decompress(const u8 *src, int in_len, u8 *out, int max_out)
{
	int ip = 0, op = 0, k;
	if (in_len < 3)
		return -1;
	int version = 0;
	if (in_len >= 5 && src[0] == 17) {
		version = src[1];
		ip = 2;
		if (version > 1)
			return -1;
	}
	int state = 0;
	if (src[ip] > 17) {
		int n = src[ip++] - 17;
		if (ip + n > in_len || op + n > max_out)
			return -1;
		for (k = 0; k < n; k++)
			out[op++] = src[ip++];
		state = n < 4 ? n : 4;
	}
	for (;;) {
		if (ip >= in_len)
			return -1;
		int t = src[ip++];
		int dist, len, next;
		if (t < 16) {
			if (state == 0) {
				int n;
				if (t != 0)
					n = 3 + t;
				else {
					int e = extended_length(src, ip, in_len);
					if (e < 0)
						return -1;
					n = 18 + e;
					ip = ext_end;
				}
				if (ip + n > in_len || op + n > max_out)
					return -1;
				for (k = 0; k < n; k++)
					out[op++] = src[ip++];
				state = 4;
				continue;
			}
			if (ip >= in_len)
				return -1;
			int h = src[ip++];
			next = t & 3;
			if (state != 4) {
				len = 2;
				dist = (h << 2) + (t >> 2) + 1;
			} else {
				len = 3;
				dist = (h << 2) + (t >> 2) + 2049;
			}
		} else if (t >= 64) {
			if (ip >= in_len)
				return -1;
			int h = src[ip++];
			len = (t >> 5) + 1;
			dist = (h << 3) + ((t >> 2) & 7) + 1;
			next = t & 3;
		} else if (t >= 32) {
			if ((t & 31) != 0)
				len = 2 + (t & 31);
			else {
				int e = extended_length(src, ip, in_len);
				if (e < 0)
					return -1;
				len = 33 + e;
				ip = ext_end;
			}
			if (ip + 2 > in_len)
				return -1;
			int v = src[ip] | (src[ip + 1] << 8);
			ip += 2;
			dist = (v >> 2) + 1;
			next = v & 3;
		} else {
			if (version >= 1 && (t & 0xf8) == 0x18 && ip + 2 <= in_len && ((src[ip] | (src[ip + 1] << 8)) & 0xfffc) == 0xfffc) {
				if (ip + 3 > in_len)
					return -1;
				int n = ((src[ip + 2] << 3) | (t & 7)) + 4;
				next = src[ip] & 3;
				ip += 3;
				if (op + n > max_out)
					return -1;
				for (k = 0; k < n; k++)
					out[op++] = 0;
				if (ip + next > in_len || op + next > max_out)
					return -1;
				for (k = 0; k < next; k++)
					out[op++] = src[ip++];
				state = next;
				continue;
			}
			if ((t & 7) != 0)
				len = 2 + (t & 7);
			else {
				int e = extended_length(src, ip, in_len);
				if (e < 0)
					return -1;
				len = 9 + e;
				ip = ext_end;
			}
			if (ip + 2 > in_len)
				return -1;
			int v = src[ip] | (src[ip + 1] << 8);
			ip += 2;
			dist = 16384 + ((t & 8) << 11) + (v >> 2);
			next = v & 3;
			if (dist == 16384) {
				if (len != 3 || ip != in_len)
					return -1;
				return op;
			}
		}
		if (dist > op || op + len > max_out)
			return -1;
		for (int m = op - dist, j = 0; j < len; j++)
			out[op++] = out[m++]; /* byte by byte: matches may overlap */
		if (ip + next > in_len || op + next > max_out)
			return -1;
		for (k = 0; k < next; k++)
			out[op++] = src[ip++];
		state = next;
	}
}
