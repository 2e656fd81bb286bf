// What most tutorials do: multer's memory storage holds the whole upload, then it is posted again
// as a new form. Same checks as little as possible; the point is the memory and the waiting.
import { createServer } from 'node:http';
import express from 'express';
import multer from 'multer';
import { env, serveForBench } from './server-process.js';

const upstream = new URL('/conversations/messages/upload', env('MOCK_URL'));
const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: Number(process.env.MAX_FILE_SIZE ?? 5_242_880) } });
const app = express();
app.post('/api/attachments', upload.single('file'), async (req, res) => {
  const file = req.file!;
  const form = new FormData();
  form.append('locationId', 'mock-location');
  form.append('conversationId', String(req.body.conversationId));
  form.append('fileAttachment', new Blob([new Uint8Array(file.buffer)], { type: file.mimetype }), file.originalname);
  const answer = await fetch(upstream, {
    method: 'POST',
    headers: { Authorization: 'Bearer mock-token', Version: '2021-04-15' },
    body: form,
  });
  res.status(answer.status).json(await answer.json());
});
serveForBench(createServer(app));
