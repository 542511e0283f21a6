/*
 * elfphdr64.c - move the program headers of a QEMU dump-guest-memory ELF
 * (QEMU 7.2 puts them at byte 192, after a section header) to byte 64,
 * right after the ELF header, in place.  makedumpfile 1.7.2 only reads an
 * ELF vmcore whose program headers start at byte 64.
 *
 *   elfphdr64 FILE        patch FILE in place (no-op if already at 64)
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: elfphdr64 FILE\n"); return 2; }
    FILE *f = fopen(argv[1], "r+b");
    if (!f) { perror(argv[1]); return 1; }
    Elf64_Ehdr eh;
    if (fread(&eh, sizeof eh, 1, f) != 1 || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
        eh.e_ident[EI_CLASS] != ELFCLASS64) { fprintf(stderr, "not an ELF64 file\n"); return 1; }
    if (eh.e_phoff == sizeof eh) { printf("already at 64\n"); return 0; }
    size_t phnum = eh.e_phnum;
    if (phnum == PN_XNUM) { fprintf(stderr, "PN_XNUM not supported\n"); return 1; }
    size_t sz = phnum * sizeof(Elf64_Phdr);
    Elf64_Phdr *ph = malloc(sz);
    if (fseek(f, (long)eh.e_phoff, SEEK_SET) || fread(ph, sz, 1, f) != 1) { perror("read phdrs"); return 1; }
    /* the space from 64 to the first data byte must hold the table */
    Elf64_Off first = ~(Elf64_Off)0;
    for (size_t i = 0; i < phnum; i++)
        if (ph[i].p_filesz && ph[i].p_offset < first) first = ph[i].p_offset;
    if (sizeof eh + sz > first) { fprintf(stderr, "no room for %zu phdrs before %llu\n", phnum, (unsigned long long)first); return 1; }
    eh.e_phoff = sizeof eh;
    eh.e_shoff = 0; eh.e_shnum = 0; eh.e_shstrndx = 0;
    if (fseek(f, 0, SEEK_SET) || fwrite(&eh, sizeof eh, 1, f) != 1 || fwrite(ph, sz, 1, f) != 1) { perror("write"); return 1; }
    fclose(f);
    printf("moved %zu program headers to 64\n", phnum);
    return 0;
}
