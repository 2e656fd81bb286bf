// The reference for a server's start: Node's own http server answering every request, in plain
// JavaScript, listening on PORT.
import { createServer } from 'node:http';

createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');
