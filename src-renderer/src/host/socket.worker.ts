// The worker that owns browser mode's engine socket (see socket-thread.ts for why).
import { serveSocket, type SocketThreadScope } from './socket-thread';

serveSocket(self as unknown as SocketThreadScope);
