using Loos.Edge.Buffer;
using Loos.Edge.Core;
using Loos.Edge.Http;
using Loos.Edge.Modules;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.SelfMetrics;

/// <summary>
/// The gateway's own health as series, written through the buffer every <c>health:metricsInterval</c>. It owns no
/// section: its interval is health's, its state file lies beside the buffer, and it is listed after both.
/// </summary>
public sealed class SelfMetricsModule : GatewayModule
{
    public override void AddServices(IServiceCollection services, ISiteContext site)
    {
        ArgumentNullException.ThrowIfNull(site);
        var settings = new SelfMetricsSettings(
            site.Name,
            site.Options<HealthOptions>().MetricsInterval,
            DataPaths.BesideBuffer(site.Options<BufferOptions>().Directory, SelfMetricsStateFile.FileName),
            site.Options<BufferOptions>().CheckpointInterval);
        services.AddSelfMetrics(settings);
    }
}
