// Runs deploy/prometheus/check.sh (promtool check config/rules) where promtool is installed;
// the test never installs it (check.sh does that when run by hand).
import { describeWithTool, hasCommand, run } from './tools';

// Not installed here: deploy/prometheus/check.sh (or tools/test.sh) installs it.
describeWithTool('promtool', hasCommand('promtool', '--version'))('promtool', () => {
  it('accepts the Prometheus configs and the alerting rules', () => {
    const r = run('bash', ['deploy/prometheus/check.sh']);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout).toContain('SUCCESS');
  });
});
