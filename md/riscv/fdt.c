/*
 * The flattened device tree (devicetree specification v0.4, chapter 5)
 * into a struct boot_info: usable RAM from every memory node's "reg", less
 * the memory reservation block, and the command line from /chosen's
 * "bootargs" (QEMU's -append); and into a struct rv_fdt_cpus: the harts
 * /cpus lists.  The blob is entry.S's copy in .bss, so every offset is
 * checked against its length before use; a malformed tree panics, naming
 * the offset.
 *
 * Only the root, its children and the children of /cpus matter here:
 * memory nodes (device_type "memory", or a node named memory / memory@...),
 * /chosen and /cpus are children of the root (spec 3.4, 3.6, 3.7), whose
 * #address-cells and #size-cells (default 2 and 1, spec 2.3.5) give the reg
 * layout.  A hart is a child of /cpus with device_type "cpu" whose "reg"
 * (in /cpus's #address-cells) is its hart id (RISC-V's cpus binding) and
 * whose status, if any, is "okay" (spec 2.3.4: anything else is not usable);
 * its "riscv,isa" (or "riscv,isa-extensions") names the MMU extensions the
 * pmap may use, kept where every usable hart has them (fc_ext).
 */
#include <stdint.h>

#include <kern.h>

#include "riscv_guest.h"

#define FDT_MAGIC		0xD00DFEEDu
#define FDT_HEADER_SIZE		40
#define FDT_BEGIN_NODE		1
#define FDT_END_NODE		2
#define FDT_PROP		3
#define FDT_NOP			4
#define FDT_END			9
#define FDT_CMDLINE_MAX		256

struct fdt {
	const uint8_t	*blob;
	uint32_t	 len;
	uint32_t	 off_struct, end_struct;
	uint32_t	 off_strings, end_strings;
};

/* A child of the root, or of /cpus, gathered until its END_NODE. */
struct fdt_node {
	const char	*name;
	bool		 memory;
	bool		 chosen;
	bool		 cpus;		/* /cpus itself */
	bool		 cpu;		/* device_type "cpu" */
	bool		 unusable;	/* status other than "okay" */
	const uint8_t	*reg;
	uint32_t	 reglen;
	unsigned	 ext;		/* RV_EXT_* its riscv,isa names */
};

/* Where the walk is: the open child of the root and of /cpus, the cells. */
struct fdt_walker {
	int		 depth;
	struct fdt_node	 child;		/* depth 2 */
	struct fdt_node	 cpu;		/* depth 3, under /cpus */
	uint32_t	 acells, scells;	/* the root's */
	uint32_t	 cpu_acells;	/* /cpus's #address-cells */
};

static char fdt_cmdline[FDT_CMDLINE_MAX];

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* A number of 1 or 2 cells (address or size). */
static uint64_t
fdt_cells(const uint8_t *p, uint32_t cells)
{
	return cells == 2 ? (uint64_t)be32(p) << 32 | be32(p + 4) : be32(p);
}

/* [off, off + n) lies within [lo, hi) of the blob. */
static void
fdt_need(uint32_t off, uint32_t n, uint32_t hi, const char *what)
{
	if (off > hi || n > hi - off)
		kpanic("rv_fdt: %s at offset %#x (%u bytes) runs past %#x", what,
		    off, n, hi);
}

/* Length of the NUL-terminated string at off, which must end before hi. */
static uint32_t
fdt_strlen(const struct fdt *f, uint32_t off, uint32_t hi, const char *what)
{
	for (uint32_t n = 0; off + n < hi; n++)
		if (f->blob[off + n] == '\0')
			return n;
	kpanic("rv_fdt: %s at offset %#x is not NUL-terminated before %#x",
	    what, off, hi);
}

static void
fdt_header(struct fdt *f, const uint8_t *blob, uint32_t len)
{
	uint32_t v;

	f->blob = blob;
	f->len = len;
	if (len < FDT_HEADER_SIZE || be32(blob) != FDT_MAGIC)
		kpanic("rv_fdt: no device tree header (%u bytes, magic %#x)", len,
		    len >= 4 ? be32(blob) : 0);
	if (be32(blob + 4) != len)
		kpanic("rv_fdt: totalsize %#x but %#x bytes copied",
		    be32(blob + 4), len);
	v = be32(blob + 24);		/* last_comp_version */
	if (v > 17)
		kpanic("rv_fdt: last compatible version %u, this parser knows 17", v);
	f->off_struct = be32(blob + 8);
	f->off_strings = be32(blob + 12);
	fdt_need(f->off_struct, be32(blob + 36), len, "structure block");
	fdt_need(f->off_strings, be32(blob + 32), len, "strings block");
	f->end_struct = f->off_struct + be32(blob + 36);
	f->end_strings = f->off_strings + be32(blob + 32);
}

/* Append usable RAM [base, base + len); past BOOT_MAXREGIONS warn, drop. */
static void
fdt_add_region(struct boot_info *bi, uint64_t base, uint64_t len)
{
	if (len == 0)
		return;
	if (bi->nregions == BOOT_MAXREGIONS) {
		kprintf("rv_fdt: more than %d RAM regions, dropping base %#llx "
		    "len %#llx\n", BOOT_MAXREGIONS, (unsigned long long)base,
		    (unsigned long long)len);
		return;
	}
	bi->regions[bi->nregions].base = base;
	bi->regions[bi->nregions].len = len;
	bi->nregions++;
}

/* Take [rb, re) out of every region, splitting one it lies inside. */
static void
fdt_carve(struct boot_info *bi, uint64_t rb, uint64_t re)
{
	for (unsigned i = 0; i < bi->nregions; i++) {
		struct boot_region *r = &bi->regions[i];
		uint64_t b = r->base, e = r->base + r->len;

		if (re <= b || rb >= e)
			continue;
		if (rb > b && re < e) {
			r->len = rb - b;
			fdt_add_region(bi, re, e - re);
		} else if (rb > b) {
			r->len = rb - b;
		} else if (re < e) {
			r->base = re;
			r->len = e - re;
		} else {
			bi->regions[i] = bi->regions[--bi->nregions];
			i--;
		}
	}
}

/* The memory reservation block (spec 5.3): pairs of 64-bit address, size. */
static void
fdt_reserved(const struct fdt *f, struct boot_info *bi)
{
	uint32_t off = be32(f->blob + 16);

	for (;; off += 16) {
		fdt_need(off, 16, f->len, "memory reservation entry");
		uint64_t base = fdt_cells(f->blob + off, 2);
		uint64_t size = fdt_cells(f->blob + off + 8, 2);
		if (base == 0 && size == 0)
			return;
		kprintf("# rv_fdt: reserved %#llx-%#llx\n",
		    (unsigned long long)base, (unsigned long long)(base + size));
		fdt_carve(bi, base, base + size);
	}
}

static bool
fdt_name_is(const char *name, const char *want)
{
	size_t n = strlen(want);

	return strncmp(name, want, n) == 0 && (name[n] == '\0' || name[n] == '@');
}

/* A child of the root is complete: use it if it is memory. */
static void
fdt_node_done(struct boot_info *bi, const struct fdt_node *nd, uint32_t acells,
    uint32_t scells)
{
	uint32_t entry = (acells + scells) * 4;

	if (!nd->memory || nd->reg == NULL)
		return;
	if (acells < 1 || acells > 2 || scells < 1 || scells > 2)
		kpanic("rv_fdt: memory node %s: #address-cells %u, #size-cells %u "
		    "(1 or 2 supported)", nd->name, acells, scells);
	if (nd->reglen % entry != 0)
		kpanic("rv_fdt: memory node %s: reg of %u bytes is not a multiple "
		    "of %u", nd->name, nd->reglen, entry);
	for (uint32_t o = 0; o < nd->reglen; o += entry)
		fdt_add_region(bi, fdt_cells(nd->reg + o, acells),
		    fdt_cells(nd->reg + o + acells * 4, scells));
}

/* A string property equals want (with its NUL). */
static bool
fdt_prop_is(const uint8_t *val, uint32_t len, const char *want)
{
	return len == strlen(want) + 1 && memcmp(val, want, len) == 0;
}

/*
 * The extensions pmapkit cares about among a hart's riscv,isa ("rv64imac_
 * zicsr_svpbmt": multi-letter ones after underscores) or
 * riscv,isa-extensions (a string list): RV_EXT_* bits.
 */
static unsigned
fdt_isa_ext(const uint8_t *val, uint32_t len)
{
	static const struct { const char *name; unsigned bit; } known[] = {
		{ "svpbmt", RV_EXT_SVPBMT }, { "svinval", RV_EXT_SVINVAL },
		{ "svnapot", RV_EXT_SVNAPOT },
	};
	unsigned ext = 0;

	for (uint32_t i = 0; i < len; ) {
		uint32_t j = i;
		while (j < len && val[j] != '_' && val[j] != '\0')
			j++;
		for (unsigned k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (j - i == strlen(known[k].name) &&
			    memcmp(val + i, known[k].name, j - i) == 0)
				ext |= known[k].bit;
		i = j + 1;
	}
	return ext;
}

/* A hart of /cpus is complete: record it if it is usable. */
static void
fdt_cpu_done(struct rv_fdt_cpus *fc, const struct fdt_node *nd, uint32_t acells)
{
	uint64_t hartid;

	if (!nd->cpu || nd->unusable)
		return;
	if (nd->reg == NULL || (acells != 1 && acells != 2) || nd->reglen < acells * 4)
		kpanic("rv_fdt: cpu node %s: reg of %u bytes with #address-cells %u "
		    "gives no hart id", nd->name, nd->reg == NULL ? 0 : nd->reglen,
		    acells);
	hartid = fdt_cells(nd->reg, acells);
	if (hartid > UINT32_MAX)
		kpanic("rv_fdt: cpu node %s: hart id %#llx does not fit mhartid",
		    nd->name, (unsigned long long)hartid);
	if (fc->fc_nharts < RV_FDT_MAXHARTS)
		fc->fc_hartid[fc->fc_nharts] = (uint32_t)hartid;
	fc->fc_ext = fc->fc_nharts == 0 ? nd->ext : fc->fc_ext & nd->ext;	/* every hart's */
	fc->fc_nharts++;
}

/* The command line from /chosen's bootargs, truncated to fit. */
static void
fdt_bootargs(const uint8_t *val, uint32_t len)
{
	uint32_t n = len - 1 < FDT_CMDLINE_MAX - 1 ? len - 1 : FDT_CMDLINE_MAX - 1;

	memcpy(fdt_cmdline, val, n);
	fdt_cmdline[n] = '\0';
	if (n < len - 1)
		kprintf("rv_fdt: command line truncated to %u bytes\n", n);
}

/* One property of the root (depth 1), a child of it (2) or of /cpus (3). */
static void
fdt_prop(const char *pname, const uint8_t *val, uint32_t len,
    struct fdt_walker *w, struct rv_fdt_cpus *fc)
{
	struct fdt_node *nd = w->depth == 2 ? &w->child : &w->cpu;

	if (w->depth == 1 && len == 4 && strcmp(pname, "#address-cells") == 0)
		w->acells = be32(val);
	else if (w->depth == 1 && len == 4 && strcmp(pname, "#size-cells") == 0)
		w->scells = be32(val);
	else if (w->depth == 2 && w->child.cpus && len == 4 &&
	    strcmp(pname, "#address-cells") == 0)
		w->cpu_acells = be32(val);
	else if (w->depth == 2 && w->child.cpus && len == 4 &&
	    strcmp(pname, "timebase-frequency") == 0)
		fc->fc_timebase_hz = be32(val);
	else if (w->depth == 2 && w->child.chosen && len > 0 &&
	    strcmp(pname, "bootargs") == 0)
		fdt_bootargs(val, len);
	else if ((w->depth == 2 || (w->depth == 3 && w->child.cpus)) &&
	    strcmp(pname, "reg") == 0) {
		nd->reg = val;
		nd->reglen = len;
	} else if (w->depth == 2 && strcmp(pname, "device_type") == 0 &&
	    fdt_prop_is(val, len, "memory"))
		nd->memory = true;
	else if (w->depth == 3 && w->child.cpus &&
	    strcmp(pname, "device_type") == 0 && fdt_prop_is(val, len, "cpu"))
		nd->cpu = true;
	else if (w->depth == 3 && w->child.cpus && (strcmp(pname, "riscv,isa") == 0 ||
	    strcmp(pname, "riscv,isa-extensions") == 0))
		nd->ext |= fdt_isa_ext(val, len);
	else if (w->depth == 3 && w->child.cpus && strcmp(pname, "status") == 0)
		nd->unusable = !fdt_prop_is(val, len, "okay") &&
		    !fdt_prop_is(val, len, "ok");
}

/* BEGIN_NODE name: open a child of the root or of /cpus. */
static void
fdt_begin_node(struct fdt_walker *w, const char *name)
{
	if (++w->depth == 2)
		w->child = (struct fdt_node){ .name = name,
		    .memory = fdt_name_is(name, "memory"),
		    .chosen = fdt_name_is(name, "chosen"),
		    .cpus = strcmp(name, "cpus") == 0 };
	else if (w->depth == 3 && w->child.cpus)
		w->cpu = (struct fdt_node){ .name = name };
}

/* END_NODE: close it; false if there was no node to close. */
static bool
fdt_end_node(struct fdt_walker *w, struct boot_info *bi, struct rv_fdt_cpus *fc)
{
	if (w->depth == 2)
		fdt_node_done(bi, &w->child, w->acells, w->scells);
	else if (w->depth == 3 && w->child.cpus)
		fdt_cpu_done(fc, &w->cpu, w->cpu_acells);
	return --w->depth >= 0;
}

/* The structure block (spec 5.4): tokens, 4-byte aligned. */
static void
fdt_walk(const struct fdt *f, struct boot_info *bi, struct rv_fdt_cpus *fc)
{
	struct fdt_walker w = { .acells = 2, .scells = 1, .cpu_acells = 2 };
	uint32_t off = f->off_struct;

	for (;;) {
		fdt_need(off, 4, f->end_struct, "token");
		uint32_t tok = be32(f->blob + off), at = off;
		off += 4;
		switch (tok) {
		case FDT_BEGIN_NODE: {
			const char *name = (const char *)f->blob + off;
			off += (fdt_strlen(f, off, f->end_struct, "node name") + 4) & ~3u;
			fdt_begin_node(&w, name);
			break;
		}
		case FDT_END_NODE:
			if (!fdt_end_node(&w, bi, fc))
				kpanic("rv_fdt: END_NODE without BEGIN_NODE at "
				    "offset %#x", at);
			break;
		case FDT_PROP: {
			fdt_need(off, 8, f->end_struct, "property header");
			uint32_t len = be32(f->blob + off);
			uint32_t nameoff = be32(f->blob + off + 4);
			fdt_need(off + 8, len, f->end_struct, "property value");
			if (nameoff >= f->end_strings - f->off_strings)
				kpanic("rv_fdt: property name offset %#x at %#x "
				    "outside the strings block", nameoff, at);
			fdt_strlen(f, f->off_strings + nameoff, f->end_strings,
			    "property name");
			fdt_prop((const char *)f->blob + f->off_strings + nameoff,
			    f->blob + off + 8, len, &w, fc);
			off += 8 + ((len + 3) & ~3u);
			break;
		}
		case FDT_NOP:
			break;
		case FDT_END:
			if (w.depth != 0)
				kpanic("rv_fdt: END at offset %#x inside a node", at);
			return;
		default:
			kpanic("rv_fdt: bad token %#x at offset %#x", tok, at);
		}
	}
}

/*
 * Contract: fill bi's RAM regions and command line, and fc's harts, from
 * the device tree of len bytes at fdt (4-byte aligned).  Panics on a
 * malformed tree or one that describes no RAM.
 */
void
rv_fdt_parse(struct boot_info *bi, struct rv_fdt_cpus *fc, const void *fdt,
    uint32_t len)
{
	struct fdt f;

	fdt_header(&f, fdt, len);
	bi->cmdline = fdt_cmdline;
	*fc = (struct rv_fdt_cpus){ 0 };
	fdt_walk(&f, bi, fc);
	fdt_reserved(&f, bi);
	if (bi->nregions == 0)
		kpanic("rv_fdt: the device tree (%u bytes) describes no memory",
		    len);
}
