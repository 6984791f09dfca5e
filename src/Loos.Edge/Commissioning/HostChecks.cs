using System.Diagnostics;
using Loos.Edge.Core.Clock;
using Loos.Edge.Modules.Commissioning;

namespace Loos.Edge.Commissioning;

/// <summary>The doctor's checks of the machine rather than of a module: the clock and the service unit. They run even on an invalid site file.</summary>
internal static class HostChecks
{
    public const string ServiceName = "loos-edge";

    private static readonly TimeSpan SystemctlTimeout = TimeSpan.FromSeconds(10);

    /// <param name="clock">How the system clock's synchronisation is read.</param>
    /// <param name="trustedFromBoot">Whether the site believes the clock from boot (<c>clock: trust: rtc</c>).</param>
    public static IEnumerable<IDoctorCheck> Create(IClockTrust clock, bool trustedFromBoot) => [ClockCheck(clock, trustedFromBoot), ServiceCheck()];

    private static DoctorCheck ClockCheck(IClockTrust clock, bool trustedFromBoot) => DoctorCheck.Of("clock", () => clock.WhyNotTrusted() switch
    {
        null => CheckResult.Pass("the system clock is synchronised"),
        { } why when trustedFromBoot => CheckResult.Pass($"trusted from boot (clock: trust: rtc), though {why}"),
        { } why => CheckResult.Warn(
            $"{why}; readings are held back from forwarding until it is",
            "give the gateway a network with NTP (`timedatectl` should say \"System clock synchronized: yes\"), or set clock: trust: rtc on a Pi with a battery-backed clock"),
    });

    private static DoctorCheck ServiceCheck() => new($"service {ServiceName}", async cancellationToken =>
    {
        if (!Directory.Exists("/run/systemd/system"))
        {
            return CheckResult.Warn("systemd is not running here, so the service cannot be checked", "on the gateway, install the service with ./install.sh");
        }

        var (state, _) = await SystemctlAsync(["is-active", ServiceName], cancellationToken).ConfigureAwait(false);
        var (enabled, _) = await SystemctlAsync(["is-enabled", ServiceName], cancellationToken).ConfigureAwait(false);
        return (state, enabled) switch
        {
            (_, "not-found" or "") when state is "inactive" or "unknown" => CheckResult.Warn($"the unit {ServiceName}.service is not installed", "install it with ./install.sh"),
            ("active", _) => CheckResult.Pass($"{ServiceName}.service is active ({enabled})"),
            ("failed", _) => CheckResult.Fail($"{ServiceName}.service failed", $"journalctl -u {ServiceName} -n 50 shows why; then sudo systemctl restart {ServiceName}"),
            _ => CheckResult.Warn($"{ServiceName}.service is {state} ({enabled})", $"sudo systemctl enable --now {ServiceName}"),
        };
    });

    private static async Task<(string Output, int ExitCode)> SystemctlAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("systemctl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(SystemctlTimeout);
            var output = await process.StandardOutput.ReadToEndAsync(timeout.Token).ConfigureAwait(false);
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            return (output.Trim(), process.ExitCode);
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or OperationCanceledException)
        {
            return ("unknown", -1);
        }
    }
}
