// Renderer entry: connect to whichever host serves this page, then mount the window.
// Pixi compiles shader plumbing with new Function unless this module is loaded; with it the page
// runs under a Content-Security-Policy without 'unsafe-eval'.
import 'pixi.js/unsafe-eval';
import { render } from 'solid-js/web';
import { App } from './app/App';
import './app/styles.css';
import { connectHost } from './host';

const root = document.getElementById('root')!;
connectHost()
  .then((host) => render(() => <App host={host} />, root))
  .catch((e: Error) => {
    root.textContent = `ConvScope could not reach its engine: ${e.message}`;
  });
