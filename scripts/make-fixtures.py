#!/usr/bin/env python3
"""Makes e2e/fixtures: one small, real file of every allowed type.

The files are committed; this script says how they were made and remakes them. It needs
ffmpeg (JPG, PNG, MP4, MPEG, MP3, WAV) and LibreOffice (DOC); the rest is written by hand here:
a PDF with a correct cross-reference table, a ZIP, a DOCX Word opens, and a RAR 4 archive
with one stored file (7z t accepts it).
"""
import io, os, struct, subprocess, sys, zipfile, zlib

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'e2e', 'fixtures')
os.makedirs(OUT, exist_ok=True)
path = lambda name: os.path.join(OUT, name)

def ffmpeg(*args):
    subprocess.run(['ffmpeg', '-hide_banner', '-loglevel', 'error', '-y', *args], check=True)

# Images: a small test pattern, so a broken decode is visible.
ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=48x32', '-frames:v', '1', '-q:v', '8', path('sample.jpg'))
ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=40x30', '-frames:v', '1', '-q:v', '8', path('sample.jpeg'))
ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=48x32', '-frames:v', '1', path('sample.png'))
# Video: one second, small; MP4 in H.264 (plays in browsers), MPEG as MPEG-1 program stream.
ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10', '-t', '1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p',
       '-preset', 'veryslow', '-crf', '40', '-movflags', '+faststart', path('sample.mp4'))
ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=25', '-t', '0.4', '-c:v', 'mpeg1video', '-b:v', '64k',
       '-f', 'mpeg', path('sample.mpeg'))
# Audio: a short tone.
ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.5', '-ac', '1', '-ar', '22050', '-b:a', '32k', path('sample.mp3'))
ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.2', '-ac', '1', '-ar', '8000', '-c:a', 'pcm_u8', path('sample.wav'))

TEXT = 'ghl-attachments fixture: a plain text file.\n'
with open(path('sample.txt'), 'w', encoding='utf-8') as f:
    f.write(TEXT)

# PDF: one page with one line of text; offsets computed, so strict readers accept it.
objects = [
    b'<< /Type /Catalog /Pages 2 0 R >>',
    b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    None,
    b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
]
stream = b'BT /F1 14 Tf 20 45 Td (ghl-attachments) Tj ET'
objects[3] = b'<< /Length %d >>\nstream\n%s\nendstream' % (len(stream), stream)
pdf = io.BytesIO()
pdf.write(b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n')
offsets = []
for number, body in enumerate(objects, start=1):
    offsets.append(pdf.tell())
    pdf.write(b'%d 0 obj\n%s\nendobj\n' % (number, body))
xref = pdf.tell()
pdf.write(b'xref\n0 %d\n0000000000 65535 f \n' % (len(objects) + 1))
for offset in offsets:
    pdf.write(b'%010d 00000 n \n' % offset)
pdf.write(b'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (len(objects) + 1, xref))
with open(path('sample.pdf'), 'wb') as f:
    f.write(pdf.getvalue())

def write_zip(name, entries):
    with zipfile.ZipFile(path(name), 'w', zipfile.ZIP_DEFLATED) as archive:
        for entry_name, data in entries:
            info = zipfile.ZipInfo(entry_name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)

write_zip('sample.zip', [('readme.txt', TEXT)])
write_zip('sample.docx', [
    ('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
     '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
     '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
     '<Default Extension="xml" ContentType="application/xml"/>'
     '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
     '</Types>'),
    ('_rels/.rels', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
     '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
     '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
     '</Relationships>'),
    ('word/document.xml', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
     '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
     '<w:body><w:p><w:r><w:t>ghl-attachments fixture</w:t></w:r></w:p></w:body></w:document>'),
])

# DOC: Word 97 binary, converted from the DOCX by LibreOffice.
subprocess.run(['soffice', '--headless', '--convert-to', 'doc:MS Word 97', '--outdir', OUT, path('sample.docx')],
               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

# RAR 4: marker block, archive header, one stored file, end of archive. Header CRCs are the low
# 16 bits of CRC-32 over the header from its type byte on.
def rar_block(head_type, flags, body):
    size = 7 + len(body)
    rest = struct.pack('<BHH', head_type, flags, size) + body
    return struct.pack('<H', zlib.crc32(rest) & 0xFFFF) + rest

data = TEXT.encode()
name = b'readme.txt'
file_body = struct.pack('<IIBIIBBHI', len(data), len(data), 2, zlib.crc32(data), 0x5C210000, 20, 0x30, len(name), 0x20) + name
rar = b'Rar!\x1a\x07\x00' + rar_block(0x73, 0, b'\x00' * 6) + rar_block(0x74, 0x8000, file_body) + data + rar_block(0x7B, 0x4000, b'')
with open(path('sample.rar'), 'wb') as f:
    f.write(rar)

for name in sorted(os.listdir(OUT)):
    print(f'{name:14} {os.path.getsize(path(name)):6} bytes')
