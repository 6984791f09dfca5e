using Loos.Edge.Core.Clock;
using Loos.Edge.Modules;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Forwarding.Clock;

/// <summary>
/// The clock (section <c>clock</c>): whether the system clock is believed, and readings held back from forwarding until
/// it is. Listed after the buffer, whose sink it wraps, and before every source.
/// </summary>
public sealed class ClockModule() : GatewayModule<ClockOptions>(ClockOptions.SectionName, ClockOptionsValidator.Check)
{
    protected override void Bind(IConfiguration section, ClockOptions options) => section.Bind(options);

    protected override void AddServices(IServiceCollection services, ClockOptions options, ISiteContext site) =>
        services.AddClockGate(options.Trust == ClockTrustMode.Rtc ? new AlwaysTrustedClock() : new SystemClockTrust(), BootId.Current());
}
