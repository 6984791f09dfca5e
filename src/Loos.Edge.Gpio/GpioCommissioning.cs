using Loos.Edge.Core;
using Loos.Edge.Gpio.Drivers;
using Loos.Edge.Gpio.Pulses;
using Loos.Edge.Gpio.Sensors;
using Loos.Edge.Modules.Commissioning;
using Loos.Edge.Polling.Commissioning;

namespace Loos.Edge.Gpio;

/// <summary>
/// What the doctor checks of the GPIO chip, the I²C buses and the 1-Wire sensors, and how the site test reads the
/// sensors (with their bus poller) and the pulse counters (their current count, from the file the service keeps).
/// </summary>
internal static class GpioCommissioning
{
    // The Raspberry Pi's header pins are on the first chip (gpiochip0; the Pi 5 keeps that name for its RP1 header).
    private const string GpioChip = "/dev/gpiochip0";

    public static IEnumerable<IDoctorCheck> Checks(GpioOptions options)
    {
        var plans = SensorPlanner.Plan(options, new ConfigurationProblems());
        if (options.PulseCounters.Count > 0 && options.Driver == GpioDrivers.Board)
        {
            yield return DeviceNodeCheck("gpio chip", GpioChip, "gpio", "the pulse counters' pins are on it; on a Raspberry Pi it is always there: check the kernel");
        }

        foreach (var bus in plans.Where(p => p.OneWireDeviceId is null).Select(p => p.I2cBus).Distinct())
        {
            yield return DeviceNodeCheck("i2c bus", $"/dev/i2c-{bus}", "i2c", "enable I²C: sudo raspi-config nonint do_i2c 0 (or dtparam=i2c_arm=on in /boot/firmware/config.txt), then reboot");
        }

        foreach (var sensor in plans.Where(p => p.OneWireDeviceId is not null))
        {
            var path = Path.Combine(OneWireThermometerReader.DefaultDevicesPath, sensor.OneWireDeviceId!);
            yield return DoctorCheck.Of($"1-wire sensor {sensor.Name}", () => Directory.Exists(path)
                ? CheckResult.Pass($"{path} is present")
                : CheckResult.Fail(
                    $"{path} does not exist ({(Directory.Exists(OneWireThermometerReader.DefaultDevicesPath) ? "devices here: " + string.Join(", ", Directory.GetDirectories(OneWireThermometerReader.DefaultDevicesPath).Select(Path.GetFileName)) : "1-Wire is not enabled")})",
                    "enable 1-Wire (dtoverlay=w1-gpio in /boot/firmware/config.txt, then reboot), check the wiring and the 4.7 kΩ pull-up, or correct deviceId"));
        }
    }

    public static double ReadingsPerHour(GpioOptions options) =>
        options.PulseCounters.Sum(counter => 2 * (TimeSpan.FromHours(1) / counter.Interval)) // The count and its rate.
        + SensorPlanner.Plan(options, new ConfigurationProblems()).Sum(sensor => QuantitiesOf(sensor.Type) * (TimeSpan.FromHours(1) / sensor.Interval));

    public static IEnumerable<IDeviceTest> DeviceTests(GpioOptions options)
    {
        foreach (var bus in SensorPlanner.Plan(options, new ConfigurationProblems()).GroupBy(p => p.Bus, StringComparer.Ordinal))
        {
            List<SensorPlan> sensors = [.. bus];
            yield return new PollerDeviceTest(
                $"sensor bus {bus.Key}",
                sensors.Count,
                (sink, catalog, timeProvider, logger) => new SensorBusPoller(bus.Key, sensors, SensorReaderFactory.Hardware(), sink, catalog, timeProvider, logger));
        }

        if (options.PulseCounters.Count > 0)
        {
            yield return new PulseCounts(PulseCounterPlanner.Plan(options, new ConfigurationProblems()), options.StateDirectory ?? string.Empty);
        }
    }

    private static int QuantitiesOf(SensorType type) => type switch
    {
        SensorType.Bme280 => 3,
        SensorType.Bmp280 or SensorType.Sht3x => 2,
        _ => 1,
    };

    private static DoctorCheck DeviceNodeCheck(string what, string path, string group, string missingFix) => DoctorCheck.Of($"{what} {path}", () =>
    {
        if (!File.Exists(path))
        {
            return CheckResult.Fail($"{path} does not exist", missingFix);
        }

        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
            return CheckResult.Pass($"{path} is present and openable");
        }
        catch (UnauthorizedAccessException)
        {
            return CheckResult.Fail($"permission denied on {path} for the user {Environment.UserName}", $"sudo usermod -a -G {group} {Environment.UserName}, then log in again (or restart the service)");
        }
        catch (IOException exception)
        {
            return CheckResult.Fail($"{path}: {exception.Message}", "check the kernel's log (`dmesg | tail`)");
        }
    });

    /// <summary>The pulse counters' current counts, read from the files the service keeps (it persists them every few seconds).</summary>
    private sealed class PulseCounts(IReadOnlyList<PulseCounterPlan> plans, string stateDirectory) : IDeviceTest
    {
        public string Name => "pulse counters";

        public int DeviceCount => plans.Count;

        public Task<IReadOnlyList<DeviceReading>> ReadOnceAsync(SiteTestSettings settings, CancellationToken cancellationToken)
        {
            var rows = new List<DeviceReading>();
            foreach (var plan in plans)
            {
                var path = PulseCounterFile.PathOf(stateDirectory, plan.Name);
                var read = PulseCounterFile.Read(path);
                rows.Add(read.Status switch
                {
                    PulseCounterFileStatus.Valid => new DeviceReading(
                        plan.Name, plan.CounterSeries.Field, plan.ValueAt(read.State.Pulses), plan.CounterSeries.Unit, "good", settings.TimeProvider.GetUtcNow()),
                    PulseCounterFileStatus.Missing => new DeviceReading(
                        plan.Name, plan.CounterSeries.Field, null, plan.CounterSeries.Unit, "-", null, $"no count yet ({path} is written once the service counts)"),
                    _ => new DeviceReading(plan.Name, plan.CounterSeries.Field, null, plan.CounterSeries.Unit, "-", null, $"{path}: {read.Problem}"),
                });
            }

            return Task.FromResult<IReadOnlyList<DeviceReading>>(rows);
        }
    }
}
