// Runs deploy/prometheus/check.sh (promtool check config/rules) where promtool is installed;
// the test never installs it (check.sh does that when run by hand).
import { hasCommand, run } from './tools';

const available = hasCommand('promtool', '--version');
if (!available) console.warn('promtool not found: run deploy/prometheus/check.sh to install it and check the files');

(available ? describe : describe.skip)('promtool', () => {
  it('accepts the Prometheus configs and the alerting rules', () => {
    const r = run('bash', ['deploy/prometheus/check.sh']);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout).toContain('SUCCESS');
  });
});
