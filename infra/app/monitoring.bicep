// Log Analytics and Application Insights for linkwright, with local (instrumentation-key) authentication off: the app
// sends telemetry as its managed identity (APPLICATIONINSIGHTS_AUTHENTICATION_STRING, api.bicep; Monitoring Metrics
// Publisher, rbac.bicep). The connection string then only says where to send, not who may.
targetScope = 'resourceGroup'

param logAnalyticsName string
param applicationInsightsName string
param location string
param tags object = {}

@description('Days Log Analytics keeps linkwright\'s logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: true
  }
}

@description('Name of the Application Insights component.')
output applicationInsightsName string = appInsights.name

@description('Resource id of the Application Insights component.')
output applicationInsightsId string = appInsights.id
