/**
 * Worker-thread entry of the image decoder (image-samples.ts; bundled as dist/image-worker.js): reads and decodes the
 * images it is sent, one at a time, and sends each sample back, moved not cloned.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DatasetError, datasetErrorFields } from './errors';
import { imageSample, type ImageReply, type ImageRequest, type ImageWorkerData } from './image-samples';

const port = parentPort;
if (port) {
  const { input, image } = workerData as ImageWorkerData;
  port.on('message', (m: ImageRequest) => {
    imageSample(m, input, image).then(
      ({ sample, size }) => port.postMessage({ i: m.i, sample, size } satisfies ImageReply, [sample.buffer as ArrayBuffer]),
      (e: unknown) => {
        const error = e instanceof DatasetError ? datasetErrorFields(e) : { message: (e as Error).message };
        port.postMessage({ i: m.i, error } satisfies ImageReply);
      },
    );
  });
}
