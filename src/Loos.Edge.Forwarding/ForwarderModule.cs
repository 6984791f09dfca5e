using Loos.Edge.Buffer;
using Loos.Edge.Modules;
using Loos.Edge.Modules.Commissioning;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Forwarding;

/// <summary>The forwarder (section <c>forwarder</c>): batches from the buffer to each InfluxDB target.</summary>
public sealed class ForwarderModule() : GatewayModule<ForwarderOptions>(ForwarderOptions.SectionName, ForwarderOptionsValidator.Check)
{
    protected override void Prepare(ForwarderOptions options, ISiteContext site)
    {
        // Dead letters stay beside the buffer unless a target names its own file.
        options.DeadLetterDirectory = site.Options<BufferOptions>().Directory;
        foreach (var target in options.Targets)
        {
            target.TokenFile = site.ResolvePath(target.TokenFile);
            target.PasswordFile = site.ResolvePath(target.PasswordFile);
            target.DeadLetterFile = site.ResolvePath(target.DeadLetterFile);
            target.CaFile = site.ResolvePath(target.CaFile);
        }
    }

    protected override IEnumerable<IDoctorCheck> CreateChecks(ForwarderOptions options, ISiteContext site, DoctorContext doctor) =>
        options.Targets.Select(target => ForwarderCommissioning.TargetCheck(target, doctor.TimeProvider));

    protected override void AddServices(IServiceCollection services, ForwarderOptions options, ISiteContext site) =>
        services.AddForwarding();
}
