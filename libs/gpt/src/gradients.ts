// tfjs-core 4.x ships its op gradients only in the @tensorflow/tfjs union package (its ESM dist
// cannot be required from CommonJS); loading the union's node bundle registers them all.
import '@tensorflow/tfjs';
