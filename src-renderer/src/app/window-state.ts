// The window's stores, made once and connected: a loaded model resets the frames and brings its
// layout; the panels decide the engine's subscription; a frozen picture runs again for new panels;
// an engine that came back, or that loaded the model again, is told again what to send.
import type { ModelInfo } from '../../../src-shared/contract';
import type { RendererHost } from '../host';
import { createConnection } from '../stores/connection';
import { createEngineSubscription } from '../stores/engine-subscription';
import { createFrameFlow } from '../stores/frame-flow';
import { createLayoutStore } from '../stores/layout';
import { createModelSession } from '../stores/model-session';
import { createNotices } from '../stores/notices';
import { createSettingsSync } from '../stores/settings-sync';
import { createFaceMode } from '../sources/face-mode';
import { createPicture } from '../sources/picture';
import { saveTextFile } from './download';

export function createWindowState(host: RendererHost) {
  const engine = host.engine;
  const notices = createNotices();
  const notify = notices.notify;
  const settings = createSettingsSync({ host, notify });
  const picture = createPicture({ saveCameraChoice: settings.saveCameraChoice, reportError: (message) => notify('error', message) });
  const session = createModelSession({ engine, stageFiles: (files) => host.stageFiles(files), settings, notify, onModel: (m) => useModel(m) });
  const layout = createLayoutStore({ model: session.model, saved: settings.layouts, notify });
  const faces = createFaceMode({ engine, model: session.model, picture, settings });
  const flow = createFrameFlow({
    engine,
    model: session.model,
    picture: picture.current,
    cropSquare: picture.cropSquare,
    droppedByLink: () => host.framesDroppedByLink(),
    detect: faces.detect,
  });
  const subscription = createEngineSubscription({ engine, model: session.model, reloads: session.reloads, panels: layout.panels, notify, onApplied: flow.rerunFrozen });
  const connection = createConnection({ host, engine, notify, modelName: () => session.model()?.name ?? null, onBack: subscription.resend });

  function useModel(m: ModelInfo) {
    flow.reset();
    layout.useModel(m);
  }

  return {
    notices,
    settings,
    picture,
    faces,
    session,
    layout,
    flow,
    connection,
    /** True while the engine prepares the layers the panels now show. */
    preparingLayers: subscription.waiting,

    /** Files the user picked or dropped: a model's files are loaded, a picture becomes the source. */
    async openFiles(files: File[]) {
      if (await session.openFiles(files)) return;
      if (picture.accepts(files)) return picture.openFiles(files);
      const formats = session.formatsInWords();
      notify('error', `Not a model ConvScope can open: ${files.map((f) => f.name).join(', ')}.${formats ? ` It opens ${formats}.` : ''}`);
    },

    /** Saves the layout as a file the browser downloads. */
    exportLayout() {
      const f = layout.exportFile();
      if (f) saveTextFile(f.name, f.text);
    },

    /** Settings first (they choose the camera and the model), then the camera and the model. */
    async start() {
      const s = await settings.load();
      void picture.startCamera(s.camera ?? {});
      await session.start(s.lastModel);
    },
  };
}

export type WindowState = ReturnType<typeof createWindowState>;
