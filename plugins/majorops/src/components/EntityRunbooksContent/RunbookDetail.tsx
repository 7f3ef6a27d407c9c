import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { majorOpsApiRef } from '../../api';
import { DrillDialog } from '../DrillDialog';
import { RunbookEditor } from '../RunbookEditor';
import { RunbookRevisions } from '../RunbookRevisions';
import { RunbookViewer } from '../RunbookViewer';

export type RunbookMode = 'view' | 'edit' | 'history';

export interface RunbookDetailProps {
  runbookId: string;
  mode: RunbookMode;
  onModeChange: (mode: RunbookMode) => void;
  onClose: () => void;
  /** The runbook was saved or drilled: its row in the list is out of date. */
  onChanged: () => void;
}

/** The selected runbook: viewer, editor or revision history, and the drill dialog. */
export function RunbookDetail(props: RunbookDetailProps) {
  const api = useApi(majorOpsApiRef);
  const [reloadKey, setReloadKey] = useState(0);
  const [drillOpen, setDrillOpen] = useState(false);
  const { value: runbook, loading, error } = useAsync(
    () => api.getRunbook(props.runbookId),
    [api, props.runbookId, reloadKey],
  );

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} title="Could not load the runbook" />;
  if (!runbook) return null;

  const changed = () => {
    setReloadKey(k => k + 1);
    props.onChanged();
  };

  if (props.mode === 'edit') {
    return (
      <RunbookEditor
        key={runbook.id}
        runbook={runbook}
        onSaved={() => {
          props.onModeChange('view');
          changed();
        }}
        onCancel={() => props.onModeChange('view')}
      />
    );
  }
  if (props.mode === 'history') {
    return <RunbookRevisions runbook={runbook} onClose={() => props.onModeChange('view')} />;
  }
  return (
    <>
      <RunbookViewer
        runbook={runbook}
        onEdit={() => props.onModeChange('edit')}
        onRecordDrill={() => setDrillOpen(true)}
        onHistory={() => props.onModeChange('history')}
        onClose={props.onClose}
        drillsReloadKey={reloadKey}
      />
      <DrillDialog
        open={drillOpen}
        runbook={runbook}
        onClose={() => setDrillOpen(false)}
        onRecorded={() => {
          setDrillOpen(false);
          changed();
        }}
      />
    </>
  );
}
