// The engine headless: `rlm ask|…` for scripts, benchmarks and CI. The commands live in src/cli/.
import { main } from './cli/program';

export { main };

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`rlm: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
