#!/usr/bin/env python3
"""Makes e2e/fixtures: one small, real file of every allowed type (and of the extra types).

The files are committed; this script says how they were made and remakes them. It needs
ffmpeg (JPG, PNG, MP4, MPEG, MP3, WAV, GIF, WebP), libheif's heif-enc (HEIC) and LibreOffice
(DOC, XLS, XLSX, PPT, PPTX); FIXTURES_OUT writes them elsewhere; the rest is written by hand here:
a PDF with a correct cross-reference table, a ZIP, a DOCX Word opens, and a RAR 4 archive
with one stored file (7z t accepts it).
"""
import io, os, struct, subprocess, sys, zipfile, zlib

OUT = os.environ.get('FIXTURES_OUT') or os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'e2e', 'fixtures')
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


# TXT as people save it: "ANSI" from Notepad (Windows-1252, with its en dash at 0x96), Latin-1,
# UTF-16 with a byte-order mark either way round, and UTF-8 with a BOM. All are text to
# HighLevel; the BFF must not refuse them for not being UTF-8.
NOTE = 'Réunion à 14h, café crème – notes\r\n'
for name, data in [
    ('text-windows-1252.txt', NOTE.encode('cp1252')),
    ('text-latin-1.txt', NOTE.replace('–', '-').encode('latin-1')),
    ('text-utf-16le.txt', b'\xff\xfe' + NOTE.encode('utf-16-le')),
    ('text-utf-16be.txt', b'\xfe\xff' + NOTE.encode('utf-16-be')),
    ('text-utf-8-bom.txt', b'\xef\xbb\xbf' + NOTE.encode('utf-8')),
]:
    with open(path(name), 'wb') as f:
        f.write(data)

# Types beyond HighLevel's 13 documented types (EXTRA_FILE_TYPES), allowed by id: GIF and WebP by ffmpeg, HEIC by
# libheif's heif-enc, CSV by hand, XLSX and PPTX by hand (the parts Office needs to open them),
# XLS and PPT converted from those by LibreOffice.
ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=48x32', '-frames:v', '1', path('sample.gif'))
ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=48x32', '-frames:v', '1', '-c:v', 'libwebp', '-quality', '30', path('sample.webp'))
subprocess.run(['heif-enc', '-q', '20', '-o', path('sample.heic'), path('sample.png')], check=True, stdout=subprocess.DEVNULL)
with open(path('sample.csv'), 'w', encoding='utf-8', newline='') as f:
    f.write('name,amount\r\nghl-attachments,1\r\n')
subprocess.run(['soffice', '--headless', '--convert-to', 'xlsx', '--outdir', OUT, path('sample.csv')],
               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
subprocess.run(['soffice', '--headless', '--convert-to', 'xls', '--outdir', OUT, path('sample.csv')],
               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
PML = 'http://schemas.openxmlformats.org/presentationml/2006/main'
REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
write_zip('sample.pptx', [
    ('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
     '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
     '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
     '<Default Extension="xml" ContentType="application/xml"/>'
     '<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>'
     '<Override PartName="/ppt/slides/slide1.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/>'
     '</Types>'),
    ('_rels/.rels', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
     '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
     f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="ppt/presentation.xml"/></Relationships>'),
    ('ppt/_rels/presentation.xml.rels', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
     '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
     f'<Relationship Id="rId2" Type="{REL}/slide" Target="slides/slide1.xml"/></Relationships>'),
    ('ppt/presentation.xml', f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:presentation xmlns:p="{PML}" xmlns:r="{REL}">'
     '<p:sldIdLst><p:sldId id="256" r:id="rId2"/></p:sldIdLst><p:sldSz cx="9144000" cy="6858000"/>'
     '<p:notesSz cx="6858000" cy="9144000"/></p:presentation>'),
    ('ppt/slides/slide1.xml', f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:sld xmlns:p="{PML}" '
     'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><p:cSld><p:spTree><p:nvGrpSpPr>'
     '<p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/></p:spTree></p:cSld></p:sld>'),
])
subprocess.run(['soffice', '--headless', '--convert-to', 'ppt', '--outdir', OUT, path('sample.pptx')],
               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

for name in sorted(os.listdir(OUT)):
    print(f'{name:22} {os.path.getsize(path(name)):6} bytes')
